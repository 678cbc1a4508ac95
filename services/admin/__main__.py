import sys

from services.admin.cli import main

sys.exit(main())
