"""Engine conformance tests, written from SEMANTICS.md, DESIGN.md and the Kubernetes docs."""
