"""``python -m k8snet_tui`` runs the same entry point as the console script."""

from k8snet_tui.cli import main

raise SystemExit(main())
