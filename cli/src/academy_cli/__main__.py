import sys

from academy_cli.main import main

sys.exit(main())
