"""The publication log as an Atom feed (django.contrib.syndication): one entry per approved
release or withdrawal, with its time, office, kind, target and SHA-256; never a name."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from disclosure import selectors
from disclosure.models import Release

ENTRIES = 200


class PublicationLogFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Tanhui publication log")

    def subtitle(self):
        return _("Every release to the public and every withdrawal, with its SHA-256.")

    def link(self):
        return reverse("disclosure:log")

    def items(self):
        return selectors.publication_log()[:ENTRIES]

    def item_title(self, item: Release):
        return f"{item.get_action_display()} · {item.get_kind_display()} · {item.target_label}"

    def item_description(self, item: Release):
        return _("%(office)s, %(time)s. SHA-256 %(sha)s.") % {
            "office": item.office_display,
            "time": timezone.localtime(item.decided_at).isoformat(timespec="seconds"),
            "sha": item.sha256,
        }

    def item_link(self, item: Release):
        if item.action == Release.Action.RELEASE:
            return reverse("disclosure:release_content", args=[item.pk])
        return reverse("disclosure:log") + f"#release-{item.pk}"

    def item_guid(self, item: Release):
        return f"tanhui-release-{item.pk}-{item.sha256}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Release):
        return item.decided_at

    def item_updateddate(self, item: Release):
        return item.decided_at
