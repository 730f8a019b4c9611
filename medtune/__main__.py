from medtune.cli import main

raise SystemExit(main())
