from foreign_explorer.cli import main

raise SystemExit(main())
