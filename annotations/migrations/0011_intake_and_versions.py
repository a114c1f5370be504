"""Intake and versions: documents' metadata, versions and history, imports and feeds.

Every document stored before gets its version 1 (its text as it is) and a "loaded" event; on
PostgreSQL the documents' history is append-only for any SQL, as the review history is (0010).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


BATCH_SIZE = 500
APPEND_ONLY_TABLE = "annotations_documentevent"
APPEND_ONLY_MESSAGE = "A document's history is append-only: events cannot be updated or deleted."


def first_versions(apps, schema_editor):
    SourceDocument = apps.get_model("annotations", "SourceDocument")
    DocumentVersion = apps.get_model("annotations", "DocumentVersion")
    DocumentEvent = apps.get_model("annotations", "DocumentEvent")
    alias = schema_editor.connection.alias
    documents = SourceDocument.objects.using(alias)
    last_id = 0
    while batch := list(documents.filter(id__gt=last_id).order_by("id")[:BATCH_SIZE]):
        last_id = batch[-1].id
        DocumentVersion.objects.using(alias).bulk_create(
            DocumentVersion(document_id=doc.id, number=1, text=doc.text, content_hash=doc.content_hash,
                            url=doc.url, created_at=doc.loaded_at)
            for doc in batch
        )  # fmt: skip
        DocumentEvent.objects.using(alias).bulk_create(
            DocumentEvent(document_id=doc.id, action="loaded", version=1, created_at=doc.loaded_at) for doc in batch
        )


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE FUNCTION {APPEND_ONLY_TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{APPEND_ONLY_MESSAGE.replace("'", "''")}' USING ERRCODE = 'insufficient_privilege';
        END $$;
        CREATE TRIGGER {APPEND_ONLY_TABLE}_append_only BEFORE UPDATE OR DELETE ON {APPEND_ONLY_TABLE}
            FOR EACH ROW EXECUTE FUNCTION {APPEND_ONLY_TABLE}_append_only();
        """
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {APPEND_ONLY_TABLE}_append_only ON {APPEND_ONLY_TABLE}; "
        f"DROP FUNCTION IF EXISTS {APPEND_ONLY_TABLE}_append_only();"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0010_review_event_hash_chain'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('loaded', 'Loaded'), ('versioned', 'New version'), ('edited', 'Metadata edited')], max_length=20)),
                ('version', models.PositiveIntegerField(help_text="The document's version after the event.")),
                ('details', models.JSONField(blank=True, default=dict, help_text='What changed: before and after.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['document_id', 'id'],
                'base_manager_name': 'objects',
            },
        ),
        migrations.CreateModel(
            name='DocumentVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('text', models.TextField()),
                ('content_hash', models.CharField(max_length=64)),
                ('html', models.TextField(blank=True, help_text='The page as fetched, for provenance (web and feed articles).')),
                ('url', models.URLField(blank=True, help_text='The address it was fetched from, if any.', max_length=2000)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['document_id', 'number'],
            },
        ),
        migrations.CreateModel(
            name='Feed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=2000)),
                ('title', models.CharField(blank=True, max_length=500)),
                ('active', models.BooleanField(default=True, help_text='Checked periodically while active.')),
                ('added_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('next_check_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_checked_at', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True, help_text='Why the last check failed; empty when it worked.')),
                ('items_loaded', models.PositiveIntegerField(default=0)),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='FeedItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('guid', models.CharField(max_length=2000)),
                ('link', models.URLField(blank=True, max_length=2000)),
                ('updated', models.CharField(blank=True, help_text="The entry's date, as the feed gave it.", max_length=100)),
                ('seen_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['feed_id', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Import',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('origin', models.CharField(choices=[('file', 'File on the server'), ('paste', 'Pasted'), ('upload', 'Uploaded'), ('web', 'Web address'), ('feed', 'Feed')], max_length=10)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('heartbeat_at', models.DateTimeField(blank=True, help_text='When its worker last reported progress.', null=True)),
                ('attempts', models.PositiveIntegerField(default=0, help_text='How many times a worker has started it.')),
                ('total', models.PositiveIntegerField(default=0, help_text='Items (files, pages) to load.')),
                ('done', models.PositiveIntegerField(default=0, help_text='Items loaded or refused so far.')),
                ('documents_added', models.PositiveIntegerField(default=0)),
                ('documents_updated', models.PositiveIntegerField(default=0, help_text='Documents that got a new version.')),
                ('claims_added', models.PositiveIntegerField(default=0)),
                ('claims_existing', models.PositiveIntegerField(default=0)),
                ('dropped', models.JSONField(blank=True, default=dict, help_text='Lines dropped, by reason.')),
                ('error', models.TextField(blank=True, help_text='Why the import failed, when it did.')),
                ('task_id', models.CharField(blank=True, help_text='The job on the queue.', max_length=64)),
            ],
            options={
                'ordering': ['-id'],
            },
        ),
        migrations.CreateModel(
            name='ImportItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('name', models.CharField(help_text="The file's name or the address.", max_length=2000)),
                ('content', models.BinaryField(blank=True, help_text='The file or pasted text, as received.', null=True)),
                ('metadata', models.JSONField(blank=True, default=dict, help_text='Title, publisher, author, ... as given.')),
                ('guid', models.CharField(blank=True, help_text="A feed entry's id.", max_length=2000)),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('loaded', 'Loaded'), ('unchanged', 'Already loaded'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('error', models.TextField(blank=True)),
                ('note', models.CharField(blank=True, help_text='What was assumed, e.g. "decoded as windows-1252".', max_length=500)),
                ('version', models.PositiveIntegerField(blank=True, help_text='The document version it made.', null=True)),
                ('claims_added', models.PositiveIntegerField(default=0)),
            ],
            options={
                'ordering': ['batch_id', 'position'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='claimoccurrence',
            name='occurrence_document_position_unique',
        ),
        migrations.RemoveConstraint(
            model_name='reviewevent',
            name='event_action_valid',
        ),
        migrations.AddField(
            model_name='claim',
            name='source_changed_at',
            field=models.DateTimeField(blank=True, help_text='When an article it appears in changed after its verdict was ruled; cleared by the next ruling.', null=True),
        ),
        migrations.AddField(
            model_name='claimoccurrence',
            name='removed_in',
            field=models.PositiveIntegerField(blank=True, help_text='The document version from which the sentence is no longer in the article.', null=True),
        ),
        migrations.AddField(
            model_name='claimoccurrence',
            name='version',
            field=models.PositiveIntegerField(default=1, help_text='The document version whose text the span indexes.'),
        ),
        migrations.AddField(
            model_name='sourcedocument',
            name='author',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='sourcedocument',
            name='language',
            field=models.CharField(blank=True, help_text='As the page declares it, e.g. en.', max_length=35),
        ),
        migrations.AddField(
            model_name='sourcedocument',
            name='origin',
            field=models.CharField(choices=[('file', 'File on the server'), ('paste', 'Pasted'), ('upload', 'Uploaded'), ('web', 'Web address'), ('feed', 'Feed')], default='file', max_length=10),
        ),
        migrations.AddField(
            model_name='sourcedocument',
            name='revision',
            field=models.PositiveIntegerField(default=1, help_text='Bumped by every change: a new version, an edit.'),
        ),
        migrations.AddField(
            model_name='sourcedocument',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now, help_text='When its text or metadata last changed.'),
        ),
        migrations.AddField(
            model_name='sourcedocument',
            name='version',
            field=models.PositiveIntegerField(default=1, help_text='The current version (DocumentVersion).'),
        ),
        migrations.AlterField(
            model_name='reviewevent',
            name='action',
            field=models.CharField(choices=[('created', 'Created'), ('assigned', 'Assigned'), ('verdict_set', 'Verdict set'), ('evidence_added', 'Evidence added'), ('evidence_removed', 'Evidence removed'), ('submitted', 'Submitted for review'), ('approved', 'Approved'), ('returned', 'Returned'), ('reopened', 'Reopened'), ('commented', 'Commented'), ('source_changed', 'Source changed')], max_length=20),
        ),
        migrations.AlterField(
            model_name='sourcedocument',
            name='text',
            field=models.TextField(help_text='The text of the current version, exactly as loaded.'),
        ),
        migrations.AlterField(
            model_name='sourcedocument',
            name='url',
            field=models.URLField(blank=True, help_text="The article's address (canonical if it gives one).", max_length=2000),
        ),
        migrations.AddIndex(
            model_name='sourcedocument',
            index=models.Index(condition=models.Q(('url', ''), _negated=True), fields=['url'], name='document_url_idx'),
        ),
        migrations.AddConstraint(
            model_name='claimoccurrence',
            constraint=models.UniqueConstraint(fields=('document', 'version', 'position'), name='occurrence_document_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='claimoccurrence',
            constraint=models.CheckConstraint(condition=models.Q(('removed_in__isnull', True), ('removed_in__gt', models.F('version')), _connector='OR'), name='occurrence_removed_after_its_version'),
        ),
        migrations.AddConstraint(
            model_name='reviewevent',
            constraint=models.CheckConstraint(condition=models.Q(('action__in', ['created', 'assigned', 'verdict_set', 'evidence_added', 'evidence_removed', 'submitted', 'approved', 'returned', 'reopened', 'commented', 'source_changed'])), name='event_action_valid'),
        ),
        migrations.AddConstraint(
            model_name='sourcedocument',
            constraint=models.CheckConstraint(condition=models.Q(('origin__in', ['file', 'paste', 'upload', 'web', 'feed'])), name='document_origin_valid'),
        ),
        migrations.AddConstraint(
            model_name='sourcedocument',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='document_version_positive'),
        ),
        migrations.AddField(
            model_name='documentevent',
            name='actor',
            field=models.ForeignKey(blank=True, help_text='Empty for the loader and the feeds.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='documentevent',
            name='document',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='annotations.sourcedocument'),
        ),
        migrations.AddField(
            model_name='documentversion',
            name='document',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='annotations.sourcedocument'),
        ),
        migrations.AddField(
            model_name='feed',
            name='added_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='feeditem',
            name='feed',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='items', to='annotations.feed'),
        ),
        migrations.AddField(
            model_name='import',
            name='created_by',
            field=models.ForeignKey(blank=True, help_text="Empty for a feed's periodic check.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='imports', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='import',
            name='feed',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='annotations.feed'),
        ),
        migrations.AddField(
            model_name='importitem',
            name='batch',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='items', to='annotations.import'),
        ),
        migrations.AddField(
            model_name='importitem',
            name='document',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='annotations.sourcedocument'),
        ),
        migrations.AddIndex(
            model_name='documentevent',
            index=models.Index(fields=['document', 'id'], name='document_event_idx'),
        ),
        migrations.AddConstraint(
            model_name='documentevent',
            constraint=models.CheckConstraint(condition=models.Q(('action__in', ['loaded', 'versioned', 'edited'])), name='document_event_action_valid'),
        ),
        migrations.AddIndex(
            model_name='documentversion',
            index=models.Index(condition=models.Q(('url', ''), _negated=True), fields=['url'], name='document_version_url_idx'),
        ),
        migrations.AddConstraint(
            model_name='documentversion',
            constraint=models.UniqueConstraint(fields=('document', 'number'), name='document_version_unique'),
        ),
        migrations.AddConstraint(
            model_name='documentversion',
            constraint=models.CheckConstraint(condition=models.Q(('number__gte', 1)), name='document_version_number_positive'),
        ),
        migrations.AddIndex(
            model_name='feed',
            index=models.Index(fields=['active', 'next_check_at'], name='feed_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='feed',
            constraint=models.UniqueConstraint(fields=('url',), name='feed_url_unique'),
        ),
        migrations.AddConstraint(
            model_name='feeditem',
            constraint=models.UniqueConstraint(fields=('feed', 'guid'), name='feed_item_unique'),
        ),
        migrations.AddIndex(
            model_name='import',
            index=models.Index(fields=['status', 'id'], name='import_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='import',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'running', 'done', 'failed'])), name='import_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='import',
            constraint=models.CheckConstraint(condition=models.Q(('origin__in', ['file', 'paste', 'upload', 'web', 'feed'])), name='import_origin_valid'),
        ),
        migrations.AddConstraint(
            model_name='import',
            constraint=models.CheckConstraint(condition=models.Q(('done__lte', models.F('total'))), name='import_done_within_total'),
        ),
        migrations.AddConstraint(
            model_name='importitem',
            constraint=models.UniqueConstraint(fields=('batch', 'position'), name='import_item_position_unique'),
        ),
        migrations.AddConstraint(
            model_name='importitem',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['queued', 'loaded', 'unchanged', 'failed'])), name='import_item_status_valid'),
        ),
            migrations.RunPython(first_versions, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
