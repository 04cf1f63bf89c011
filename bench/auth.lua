-- wrk script: POST /auth with a widget token (TOKEN from the environment).
wrk.method = "POST"
wrk.body = "socket_id=123.456&channel_name=private-match.1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Origin"] = "http://bench.local"
