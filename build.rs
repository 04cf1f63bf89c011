//! The widget's stylesheet, minified into OUT_DIR for `include_str!` (src/embed/elements.rs):
//! it ships inside the wasm, read by every reader of every page. Comments go, and white space
//! where CSS does not need it; strings are kept as written. A few rules, not a CSS parser: the
//! stylesheet is ours, and the browser tests render it.

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
                space = true;
            }
            '"' | '\'' => {
                if space && needs_space(out.chars().last()) {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                while let Some(d) = chars.next() {
                    out.push(d);
                    if d == '\\' {
                        out.extend(chars.next());
                    } else if d == c {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => space = true,
            '{' | '}' | ';' | ',' | ':' | '>' => {
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                // A space before a colon may be a descendant combinator (`.a :hover`): kept.
                if space && c == ':' && needs_space(out.chars().last()) {
                    out.push(' ');
                }
                out.push(c);
                space = false;
                while chars.peek().is_some_and(|d| d.is_whitespace()) {
                    chars.next();
                }
            }
            c => {
                if space && needs_space(out.chars().last()) {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

/// After this character, a space in the source separates two tokens.
fn needs_space(last: Option<char>) -> bool {
    !matches!(last, None | Some('{' | '}' | ';' | ',' | ':' | '>' | '('))
}

fn main() {
    let src = "style/widget.css";
    println!("cargo:rerun-if-changed={src}");
    let css = std::fs::read_to_string(src).expect("style/widget.css");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("widget.min.css");
    std::fs::write(out, minify(&css)).expect("write the minified stylesheet");
}
