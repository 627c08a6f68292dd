"""Stored embeddings: one vector per text of the platform that is searched or matched by
meaning, for the version of the text it was computed from (`text_hash`) and the model that
computed it (`model_version`).

Whether a text still needs its embedding is read from the data itself (its current hash
against the stored one), so every way a text changes (a form, the admin, an import, a
migration) leaves work that the sweep finds, and a new model version re-embeds everything.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Advanced on every write of a vector: a process holding vectors in memory asks only for
# those with a higher revision than it has seen (apps/semantics/embeddings.py).
REVISION_SEQUENCE = "semantics_textembedding_revision"


class TextEmbedding(models.Model):
    source = models.CharField(_("source"), max_length=60)
    object_id = models.BigIntegerField(_("object id"))
    text_hash = models.CharField(_("text hash"), max_length=32)
    model_version = models.CharField(_("model version"), max_length=40)
    # float32, unit length, as many as the model has dimensions.
    vector = models.BinaryField(_("vector"))
    revision = models.BigIntegerField(_("revision"))
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("text embedding")
        verbose_name_plural = _("text embeddings")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="embedding_one_per_text")
        ]
        indexes = [models.Index(fields=["source", "revision"], name="embedding_by_revision")]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id}"
