-- wrk script: GET a cached snapshot with a widget token (TOKEN from the environment).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Origin"] = "http://bench.local"
