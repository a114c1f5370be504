import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from annotations import roles

# username -> role (None: superuser)
DEMO_ACCOUNTS = {
    "editor": roles.EDITOR,
    "editor2": roles.EDITOR,
    "reviewer": roles.REVIEWER,
    "admin": None,
}
CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".demo-credentials"


class Command(BaseCommand):
    help = (
        "Create the demo accounts (two editors, one reviewer, one admin) in demo mode only. "
        "Passwords come from FACTCHECK_DEMO_PASSWORD, or are generated, printed once and kept "
        "in .demo-credentials (readable by you only)."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo accounts are created only in demo mode: set FACTCHECK_DEMO=1.")
        missing = [name for name in (roles.EDITOR, roles.REVIEWER) if not Group.objects.filter(name=name).exists()]
        if missing:
            raise CommandError(
                f"Role groups {', '.join(missing)} are missing: run 'manage.py loaddata fixtures/roles.json' first."
            )
        User = get_user_model()
        fixed = os.environ.get("FACTCHECK_DEMO_PASSWORD", "")
        existing = set(User.objects.filter(username__in=DEMO_ACCOUNTS).values_list("username", flat=True))
        if fixed and existing != set(DEMO_ACCOUNTS):  # checked only when it is about to be used
            try:
                validate_password(fixed)  # the validators every other password passes
            except ValidationError as error:
                raise CommandError(f"FACTCHECK_DEMO_PASSWORD is refused: {' '.join(error.messages)}") from None
        created = []
        for username, role in DEMO_ACCOUNTS.items():
            if User.objects.filter(username=username).exists():
                continue
            password = fixed or secrets.token_urlsafe(12)
            if role is None:
                user = User.objects.create_superuser(username, f"{username}@example.org", password)
            else:
                user = User.objects.create_user(username, f"{username}@example.org", password)
                user.groups.add(Group.objects.get(name=role))
            created.append((username, role or "admin", password))
        if not created:
            where = "FACTCHECK_DEMO_PASSWORD" if fixed else CREDENTIALS_FILE.name
            self.stdout.write(f"Demo accounts already exist ({', '.join(DEMO_ACCOUNTS)}); passwords: see {where}.")
            return
        lines = [f"{username:10} {role:9} {password}" for username, role, password in created]
        self.stdout.write("Demo accounts created (username, role, password):")
        for line in lines:
            self.stdout.write("  " + line)
        if not fixed:
            CREDENTIALS_FILE.touch(mode=0o600, exist_ok=True)
            with CREDENTIALS_FILE.open("a") as handle:
                handle.write("\n".join(lines) + "\n")
            self.stdout.write(f"These passwords are shown once; a copy is in {CREDENTIALS_FILE.name}.")
