//! `MongoUrl.parse(s)` and `check_mongo_urls(url, oplog_url, rocketchat_version)`.

use crate::errors::{self, Details, MongoUrlError};
use crate::guard::guarded;
use pyo3::prelude::*;
use rocketchat_topology::mongo_url;
use rocketchat_topology::Version;

/// A connection string Rocket.Chat's driver accepts, cut into parts. `str()` and `repr()` show
/// the password as `***`.
#[pyclass(frozen, module = "rocketchat_topology")]
pub struct MongoUrl {
    inner: mongo_url::MongoUrl,
}

#[pymethods]
impl MongoUrl {
    /// Parses `url`; raises `MongoUrlError` (with `.kind` and `.help`) where the driver would.
    #[staticmethod]
    fn parse(py: Python<'_>, url: &str) -> PyResult<Self> {
        guarded("parsing a MongoDB URL", || {
            mongo_url::MongoUrl::parse(url)
                .map(|inner| MongoUrl { inner })
                .map_err(|e| url_error(py, e))
        })
    }

    /// `mongodb` or `mongodb+srv`.
    #[getter]
    fn scheme(&self) -> &'static str {
        self.inner.scheme.as_str()
    }

    /// `[{"host", "port", "type"}]`.
    #[getter]
    fn hosts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        errors::to_python(py, &self.inner.hosts)
    }

    #[getter]
    fn username(&self) -> Option<&str> {
        self.inner.username.as_deref()
    }

    #[getter]
    fn has_password(&self) -> bool {
        self.inner.has_password()
    }

    #[getter]
    fn database(&self) -> Option<&str> {
        self.inner.database.as_deref()
    }

    /// Lowercased option name -> value, as the driver read them; secret values are `***`.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        errors::to_python(py, &self.inner.options)
    }

    #[getter]
    fn replica_set(&self) -> Option<&str> {
        self.inner.replica_set()
    }

    #[getter]
    fn auth_source(&self) -> Option<&str> {
        self.inner.auth_source()
    }

    #[getter]
    fn auth_mechanism(&self) -> Option<&str> {
        self.inner.auth_mechanism.as_deref()
    }

    /// What the driver would warn about.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner.warnings.clone()
    }

    fn __str__(&self) -> String {
        self.inner.redacted()
    }

    fn __repr__(&self) -> String {
        format!("<MongoUrl {}>", self.inner.redacted())
    }
}

/// `rctopo mongo-url URL [--oplog URL] [--rocketchat-version V] --format json`, as a dict:
/// `{"valid", "scheme", "hosts", "auth", "database", "options", "warnings", "errors",
/// "diagnostics", ...}`. Never raises for a bad URL: `valid` and `errors` say why.
#[pyfunction]
#[pyo3(signature = (url, oplog_url = None, rocketchat_version = None))]
pub fn check_mongo_urls<'py>(
    py: Python<'py>,
    url: &str,
    oplog_url: Option<&str>,
    rocketchat_version: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    guarded("checking MongoDB URLs", || {
        let version = match rocketchat_version {
            Some(v) => Some(v.parse::<Version>().map_err(|_| {
                errors::raise::<MongoUrlError>(
                    py,
                    format!("rocketchat_version `{v}` is not a version: expected MAJOR.MINOR.PATCH, e.g. `7.10.0`"),
                    Details::default(),
                )
            })?),
            None => None,
        };
        errors::to_python(
            py,
            &mongo_url::check_urls(url, oplog_url, version).to_json(),
        )
    })
}

/// The core's error behind a raised `MongoUrlError`, its only attribute set at raise time:
/// `kind` and `help` are read from it when asked for (a "did you mean" suggestion costs more than
/// the whole parse).
#[pyclass(frozen, module = "rocketchat_topology")]
pub struct UrlErrorDetail {
    error: mongo_url::MongoUrlError,
}

fn url_error(py: Python<'_>, error: mongo_url::MongoUrlError) -> PyErr {
    let err = errors::raise::<MongoUrlError>(py, error.to_string(), Details::default());
    if let Err(failed) = err
        .value(py)
        .setattr(pyo3::intern!(py, "_detail"), UrlErrorDetail { error })
    {
        return failed;
    }
    err
}

/// The core error of a `MongoUrlError` raised by `MongoUrl.parse`; an error raised for something
/// else than a URL has none, so reading `kind` or `help` there is an AttributeError.
fn detail<'py>(error: &Bound<'py, PyAny>) -> PyResult<Bound<'py, UrlErrorDetail>> {
    let detail = error.getattr(pyo3::intern!(error.py(), "_detail"))?;
    Ok(detail.cast_into::<UrlErrorDetail>()?)
}

/// `MongoUrlError.kind`: the part of the URL at fault.
#[pyfunction]
pub fn mongo_url_error_kind(error: &Bound<'_, PyAny>) -> PyResult<&'static str> {
    Ok(detail(error)?.get().error.kind().as_str())
}

/// `MongoUrlError.help`: how to fix the URL.
#[pyfunction]
pub fn mongo_url_error_help(error: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(detail(error)?.get().error.help().to_string())
}

/// Installs `kind` (worked out on first read, then kept) and `help` (a property) on the
/// `MongoUrlError` class, both read from the core error ([`mongo_url_error_kind`],
/// [`mongo_url_error_help`]).
pub fn install_properties(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let class = py.get_type::<MongoUrlError>();
    errors::set_cached_property(
        &class,
        "kind",
        wrap_pyfunction!(mongo_url_error_kind, m)?.as_any(),
    )?;
    let property = py.import("builtins")?.getattr("property")?;
    class.setattr(
        "help",
        property.call1((wrap_pyfunction!(mongo_url_error_help, m)?,))?,
    )
}
