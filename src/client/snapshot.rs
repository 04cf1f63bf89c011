//! Fetching a snapshot through the gateway with the widget token, retried a few times after
//! a passing failure. Used after every (re)subscription so that nothing missed stays missed.

use super::http::{get_json, HttpResult};
use super::token::with_token;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// How many times a failed fetch (5xx, network) is retried, 1.5 s, 3 s, 4.5 s apart.
const RETRIES: u32 = 3;

/// A function that fetches `url` and hands every final answer to `on_answer`, for as long as
/// `alive` holds. 404/401/403 are final at once; other failures are retried first.
pub fn fetcher<T: DeserializeOwned + 'static>(
    gateway: String,
    url: String,
    alive: Rc<Cell<bool>>,
    on_answer: Rc<dyn Fn(HttpResult<T>)>,
) -> Rc<dyn Fn()> {
    let again: Rc<RefCell<Weak<dyn Fn()>>> = Rc::new(RefCell::new(Weak::<Box<dyn Fn()>>::new()));
    let retries = Rc::new(Cell::new(0u32));
    let fetch: Rc<dyn Fn()> = {
        let again = again.clone();
        Rc::new(move || {
            let (gateway, url, alive, on_answer, again, retries) =
                (gateway.clone(), url.clone(), alive.clone(), on_answer.clone(), again.clone(), retries.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = with_token(&gateway, |token| {
                    let url = url.clone();
                    async move { get_json::<T>(&url, Some(&token)).await }
                })
                .await;
                if !alive.get() {
                    return;
                }
                let passing = match &answer {
                    HttpResult::Status(s) => *s >= 500 || *s == 429 || *s == 408,
                    HttpResult::Failed(_) => true,
                    HttpResult::Ok(_) => false,
                };
                let attempt = retries.get();
                if passing && attempt < RETRIES {
                    retries.set(attempt + 1);
                    if let (Some(w), Some(again)) = (web_sys::window(), again.borrow().upgrade()) {
                        let cb = wasm_bindgen::closure::Closure::once_into_js(move || again());
                        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                            wasm_bindgen::JsCast::unchecked_ref(&cb),
                            1500 * (attempt as i32 + 1),
                        );
                    }
                } else {
                    retries.set(0);
                }
                on_answer(answer);
            });
        })
    };
    *again.borrow_mut() = Rc::downgrade(&fetch);
    fetch
}
