"""Articles in sections and categories, every edit a revision, translations linked to their
source. What an article's state allows, who may publish it, and how it renders live in the
services beside these models (caredesk.knowledge.*), never in `save()`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from caredesk.core import clock
from caredesk.core.models import TimestampedModel


class Category(TimestampedModel):
    """The top of the help centre: "Billing", "Your account"."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Section(TimestampedModel):
    """A group of articles inside a category ("Refunds" in "Billing"). Its owner may publish
    its articles, as supervisors may."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_sections",
    )

    class Meta:
        ordering = ["category__position", "position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="section_slug_per_category")
        ]

    def __str__(self) -> str:
        return self.name


class ArticleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public (the help centre, once published)"
    INTERNAL = "internal", "Internal (agents only)"


class Article(TimestampedModel):
    """One article in one language. A translation points at its source (`source`), and
    remembers which of the source's revisions it was last brought up to (`source_revision`),
    so "source changed since this translation" is a comparison, not a guess."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="articles")
    language = models.CharField(max_length=10, default="en")
    source = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="translations",
        help_text="The article this one translates; empty for an original",
    )
    source_revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The source's revision this translation follows"
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown")
    summary = models.CharField(max_length=500, blank=True)
    state = models.CharField(
        max_length=10, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    tags = models.ManyToManyField("tickets.Tag", blank=True, related_name="articles")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_articles",
    )
    review_by = models.DateField(
        null=True, blank=True, help_text="When its owner should check it is still right"
    )
    # The review-by date its owner was last told of: told once per date.
    review_flagged_for = models.DateField(null=True, blank=True, editable=False)
    revision = models.PositiveIntegerField(default=0, editable=False)  # the latest's number
    position = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    # Made from a solved ticket ("Create an article from this ticket").
    from_ticket = models.ForeignKey(
        "tickets.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_made",
    )

    class Meta:
        ordering = ["section", "position", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="article_slug_per_language"),
            models.UniqueConstraint(
                fields=["source", "language"],
                condition=models.Q(source__isnull=False),
                name="one_translation_per_language",
            ),
        ]
        indexes = [models.Index(fields=["state", "language"], name="article_state_language")]

    def __str__(self) -> str:
        return self.title

    # What the access policy reads (caredesk.access.ArticleLike).
    @property
    def published(self) -> bool:
        return self.state == ArticleState.PUBLISHED

    @property
    def internal(self) -> bool:
        return self.visibility == Visibility.INTERNAL

    @property
    def section_owner_id(self) -> int | None:
        return self.section.owner_id

    @property
    def original(self) -> Article:
        """The source article (itself for an original)."""
        return self.source if self.source_id is not None and self.source else self


class ArticleRevision(models.Model):
    """What an article said after one edit: who, when, and the whole text (a diff is two
    revisions compared)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    summary = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_revisions",
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleEvent(models.Model):
    """A step in an article's life other than an edit: sent to review, published (by whom),
    sent back, archived, flagged stale."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Sent to review"
        PUBLISHED = "published", "Published"
        RETURNED = "returned", "Sent back to draft"
        ARCHIVED = "archived", "Archived"
        RESTORED = "restored", "Restored to draft"
        FLAGGED = "flagged", "Flagged for review"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_events",
    )
    revision = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["article", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.kind}"


class ArticleAttachment(TimestampedModel):
    """A picture (or file) uploaded for an article; its body links to it by URL."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="knowledge/%Y/%m/", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )


class ArticleUse(models.Model):
    """An article an agent answered a ticket with (a link or an excerpt inserted into a reply,
    or a template linking it): the evidence for "tickets answered with it reopen more often"."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="uses")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    used_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "ticket", "message"], name="article_use_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} on #{self.ticket_id}"


class ArticleFeedback(models.Model):
    """ "Did this help?" from a reader of the help centre, recorded on POST only."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    # A keyed hash of the reader's address, for the rate limit; never the address itself.
    reader = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.article_id} {'yes' if self.helpful else 'no'}"


class ArticleView(models.Model):
    """An article read on the help centre, and where the reader came from (an
    acknowledgement's link names its ticket): how deflection is measured."""

    class Via(models.TextChoices):
        HELP = "help", "Help centre"
        ACKNOWLEDGEMENT = "ack", "Acknowledgement link"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    via = models.CharField(max_length=10, choices=Via.choices, default=Via.HELP)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewed_at = models.DateTimeField(default=clock.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.article_id} via {self.via}"


class HelpCentre(models.Model):
    """How the public help centre looks: the desk's name, logo and colours (one row)."""

    name = models.CharField(max_length=200, default="Help centre")
    logo = models.FileField(upload_to="knowledge/brand/", blank=True, max_length=200)
    primary_colour = models.CharField(
        max_length=7, default="#1d4ed8", help_text="Links and buttons, as #rrggbb"
    )
    text_colour = models.CharField(max_length=7, default="#111827", help_text="As #rrggbb")
    background_colour = models.CharField(max_length=7, default="#ffffff", help_text="As #rrggbb")
    default_language = models.CharField(max_length=10, default="en")
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = "help centre"
        verbose_name_plural = "help centre"

    def __str__(self) -> str:
        return self.name
