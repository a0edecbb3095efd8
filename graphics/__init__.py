"""Ground floor drawing: server-side SVG charts any app may use; imports no app of ours."""
