"""``manage.py apikey create <username> [--name NAME]`` / ``revoke <prefix>`` / ``list [username]``."""

from django.core.management.base import BaseCommand, CommandError

from logmonitor.apikeys import services
from logmonitor.apikeys.models import UserAPIKey


class Command(BaseCommand):
    help = "Create (printed once), revoke or list per-user API keys for the X-API-Key header."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a key and print it once.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="What the key is for (50 characters).")
        revoke = actions.add_parser("revoke", help="Revoke a key by its prefix (the part before the dot).")
        revoke.add_argument("prefix")
        listing = actions.add_parser("list", help="List keys (prefixes only; keys are stored hashed).")
        listing.add_argument("username", nargs="?", default="")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except services.APIKeyError as exc:
            raise CommandError(str(exc)) from None

    def _create(self, *, username, name, **_):
        key, plain = services.api_key_create(username=username, name=name)
        self.stdout.write(plain)
        self.stderr.write(f"Created key '{key.name}' (prefix {key.prefix}) for {username}. It is shown only this once.")

    def _revoke(self, *, prefix, **_):
        key = services.api_key_revoke(prefix=prefix)
        self.stdout.write(f"Revoked key '{key.name}' (prefix {key.prefix}) of {key.user}.")

    def _list(self, *, username, **_):
        keys = UserAPIKey.objects.select_related("user").order_by("user__username", "-created")
        if username:
            keys = keys.filter(user__username=username)
        for key in keys:
            state = "revoked" if key.revoked else ("expired" if key.has_expired else "active")
            self.stdout.write(f"{key.prefix}\t{key.user}\t{state}\t{key.name}\tlast used {key.last_used_at or 'never'}")
