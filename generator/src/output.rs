//! Writing output files all or nothing: every file goes to a temporary file beside its
//! destination first, and the temporary files are renamed into place only when all were
//! written. A failure removes the temporary files and leaves the destinations as they were.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What writes the bytes of one file.
pub type WriteFn<'a> = Box<dyn Fn(&mut dyn Write) -> io::Result<()> + 'a>;

/// One file to write: where, and what writes its bytes.
pub struct OutputFile<'a> {
    pub path: PathBuf,
    pub write: WriteFn<'a>,
}

impl std::fmt::Debug for OutputFile<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputFile")
            .field("path", &self.path)
            .finish()
    }
}

impl<'a> OutputFile<'a> {
    pub fn new(
        path: impl Into<PathBuf>,
        write: impl Fn(&mut dyn Write) -> io::Result<()> + 'a,
    ) -> Self {
        OutputFile {
            path: path.into(),
            write: Box::new(write),
        }
    }

    /// A file with the given contents.
    pub fn text(path: impl Into<PathBuf>, text: String) -> Self {
        OutputFile::new(path, move |w| w.write_all(text.as_bytes()))
    }
}

fn temp_for(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.modelc-tmp-{}", std::process::id()))
}

/// Writes every file or none (see the module docs). Parent directories are created.
pub fn write_all_or_nothing(files: &[OutputFile<'_>]) -> io::Result<()> {
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    write_together(&paths, |outs| {
        for (file, out) in files.iter().zip(outs.iter_mut()) {
            (file.write)(&mut **out)?;
        }
        Ok(())
    })
}

/// Opens every path (as a temporary file), lets `write` fill them all at once, then renames
/// them into place; all or nothing, as [`write_all_or_nothing`].
pub fn write_together(
    paths: &[PathBuf],
    write: impl FnOnce(&mut [&mut dyn Write]) -> io::Result<()>,
) -> io::Result<()> {
    let temps: Vec<PathBuf> = paths.iter().map(|p| temp_for(p)).collect();
    let result = (|| {
        let mut files = Vec::with_capacity(paths.len());
        for (path, tmp) in paths.iter().zip(&temps) {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            files.push(BufWriter::new(std::fs::File::create(tmp)?));
        }
        {
            let mut outs: Vec<&mut dyn Write> =
                files.iter_mut().map(|f| f as &mut dyn Write).collect();
            write(&mut outs)?;
        }
        for f in files {
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        for (path, tmp) in paths.iter().zip(&temps) {
            std::fs::rename(tmp, path)?;
        }
        Ok(())
    })();
    if result.is_err() {
        for tmp in &temps {
            let _ = std::fs::remove_file(tmp);
        }
    }
    result
}
