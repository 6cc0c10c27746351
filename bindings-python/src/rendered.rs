//! `RenderedFile`: one file to install on one machine.

use pyo3::prelude::*;
use rocketchat_topology::render;

#[pyclass(frozen, module = "rocketchat_topology")]
pub struct RenderedFile {
    inner: render::RenderedFile,
}

impl From<render::RenderedFile> for RenderedFile {
    fn from(inner: render::RenderedFile) -> Self {
        RenderedFile { inner }
    }
}

#[pymethods]
impl RenderedFile {
    /// The machine the file belongs on (an application host, the proxy's host, a mongod member).
    #[getter]
    fn host(&self) -> &str {
        &self.inner.host
    }

    /// Absolute install path, e.g. `/etc/rocketchat/3001.env`.
    #[getter]
    fn path(&self) -> &str {
        &self.inner.path
    }

    /// Unix permission bits, e.g. `0o600`.
    #[getter]
    fn mode(&self) -> u32 {
        self.inner.mode
    }

    /// The file's text. Environment files hold the real MongoDB URL: write them, never log them.
    #[getter]
    fn contents(&self) -> &str {
        &self.inner.contents
    }

    /// Omits the contents on purpose: an environment file holds the MongoDB password.
    fn __repr__(&self) -> String {
        format!(
            "<RenderedFile {}:{} mode={:#o} {} bytes>",
            self.inner.host,
            self.inner.path,
            self.inner.mode,
            self.inner.contents.len()
        )
    }
}
