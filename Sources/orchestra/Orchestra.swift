import OrchestraFront

/// The `orchestra` binary: everything lives in `OrchestraFront`; this only names the entry point.
@main
extension OrchestraCommand {}
