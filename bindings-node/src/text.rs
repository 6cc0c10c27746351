//! String arguments that may hold a secret (a MongoDB URL, topology text), read without ever
//! repeating a wrong one. napi-rs's own `String` conversion quotes the value it refuses
//! (`JSON.stringify` of an object): a `URL` object's `href` or a topology object, password
//! included, would land in the error message, and from there in a log.

use napi::bindgen_prelude::{FromNapiValue, TypeName, ValueType};
use napi::{sys, Error, Result, Status};

/// A JavaScript string argument, as UTF-8 (public for the exported functions' signatures; the
/// module is private to the crate).
pub struct Text(pub String);

/// Strings up to this many UTF-8 bytes are read in one Node-API call into a buffer on the stack;
/// longer ones take napi-rs's path (a length query, then a copy). URLs are far shorter.
const STACK_BUFFER_BYTES: usize = 1024;

impl TypeName for Text {
    fn type_name() -> &'static str {
        String::type_name()
    }

    fn value_type() -> ValueType {
        String::value_type()
    }
}

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        let mut kind = sys::ValueType::napi_undefined;
        // SAFETY: `env` and `value` are the live handles Node-API passed to this call.
        let status = unsafe { sys::napi_typeof(env, value, &mut kind) };
        if status != sys::Status::napi_ok || kind != sys::ValueType::napi_string {
            return Err(not_a_string(kind));
        }
        // SAFETY: as above; `value` is a string.
        if let Some(text) = unsafe { read_short(env, value) } {
            return Ok(Text(text));
        }
        // SAFETY: as above; a string cannot fail the conversion with its content in the message.
        unsafe { String::from_napi_value(env, value) }.map(Text)
    }
}

/// The string `value` when it fits the stack buffer, read in one Node-API call; `None` for a
/// longer one.
///
/// # Safety
/// `env` and `value` must be the live handles of the current call, `value` a string.
unsafe fn read_short(env: sys::napi_env, value: sys::napi_value) -> Option<String> {
    let mut buffer = [0u8; STACK_BUFFER_BYTES];
    let mut written = 0;
    // SAFETY: the buffer is writable for its whole length; Node-API writes at most `len - 1`
    // bytes of whole UTF-8 characters and a NUL after them.
    let status = unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut written,
        )
    };
    // A string cut short leaves fewer bytes free than its next character needs (at most 4), so
    // `written` this far from the end means the whole string was written.
    if status != sys::Status::napi_ok || written + 4 >= buffer.len() {
        return None;
    }
    // Node-API writes valid UTF-8 (a lone surrogate becomes U+FFFD); anything else takes the
    // long path rather than an error of this module's own.
    std::str::from_utf8(&buffer[..written])
        .ok()
        .map(str::to_owned)
}

/// The refusal of a value that is not a string: its type, never its content.
fn not_a_string(kind: sys::napi_valuetype) -> Error {
    let hint = if kind == sys::ValueType::napi_object {
        " (for a `URL` object, pass its `href`)"
    } else {
        ""
    };
    Error::new(
        Status::StringExpected,
        format!(
            "expected a string, got {}{hint}; the value is not shown, as it may hold a password",
            type_name(kind)
        ),
    )
}

fn type_name(kind: sys::napi_valuetype) -> &'static str {
    match kind {
        sys::ValueType::napi_undefined => "undefined",
        sys::ValueType::napi_null => "null",
        sys::ValueType::napi_boolean => "a boolean",
        sys::ValueType::napi_number => "a number",
        sys::ValueType::napi_symbol => "a symbol",
        sys::ValueType::napi_object => "an object",
        sys::ValueType::napi_function => "a function",
        sys::ValueType::napi_bigint => "a bigint",
        _ => "a value of another type",
    }
}
