"""Organisations, the people who work for them, the bodies they sit on, and meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from actionplans.kernel.audit import AuditedQuerySet


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    NHS = "nhs", "NHS trust or health body"
    POLICE = "police", "Police"
    SCHOOL = "school", "School or college"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="organisation_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class PersonQuerySet(AuditedQuerySet):
    def with_organisation(self):
        return self.select_related("organisation")


class Person(models.Model):
    """An officer or member. Papers often name a post rather than a person
    ("HoS Early Help"), so either the name or the job title may be blank, never both."""

    name = models.CharField(max_length=150, blank=True)
    job_title = models.CharField(max_length=250, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The login account of this person, if they sign in to the tracker.",
    )
    is_senior = models.BooleanField(
        "Senior officer",
        default=False,
        help_text="Named in published papers even when junior officers are shown by job title",
    )

    objects = PersonQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "job_title"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(condition=~Q(name="") | ~Q(job_title=""), name="person_has_name_or_job_title"),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name or self.job_title


class BodyKind(models.TextChoices):
    CABINET = "cabinet", "Cabinet"
    SCRUTINY_PANEL = "scrutiny_panel", "Scrutiny panel"
    PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
    TRUST_BOARD = "trust_board", "Trust board"
    STEERING_GROUP = "steering_group", "Steering group"
    INSPECTORATE = "inspectorate", "Inspectorate"
    OTHER = "other", "Other"


class Body(models.Model):
    """A decision-making or monitoring body: Cabinet, a scrutiny panel, a board."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=BodyKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        help_text="The organisation that hosts this body.",
    )
    remit = models.TextField(blank=True)
    members = models.ManyToManyField(Person, through="Membership", related_name="bodies")

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=BodyKind.values), name="body_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="body_name_not_blank"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("body_detail", args=[self.pk])


class MembershipRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    APPOINTED_MEMBER = "appointed_member", "Appointed member"
    OFFICER = "officer", "Officer in attendance"


class Membership(models.Model):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    representing = models.CharField(
        max_length=250,
        blank=True,
        help_text='As printed, e.g. "Police Authority" or "Cabinet Member for Children Services".',
    )

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["body", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "person"], name="membership_unique_person_per_body"),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}, {self.body}"


class Meeting(models.Model):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=250, blank=True)

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "date"], name="meeting_unique_body_date"),
        ]

    def __str__(self):
        return f"{self.body} – {date_format(self.date)}"

    def get_absolute_url(self):
        return reverse("meeting_detail", args=[self.pk])


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    IN_ATTENDANCE = "in_attendance", "In attendance"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    capacity = models.CharField(
        max_length=250, blank=True, help_text='As printed in the minutes, e.g. "Police Authority".'
    )

    class Meta:
        ordering = ["meeting", "status", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique_person_per_meeting"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_valid"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_status_display()})"


class PersonGroup(models.Model):
    """A named set of people that minutes name as one owner ("Steering Group Leads"): an action
    owned by the group is on each member's list and in each member's reminders."""

    name = models.CharField(max_length=200, unique=True)
    description = models.CharField(max_length=500, blank=True)
    members = models.ManyToManyField(Person, blank=True, related_name="person_groups")

    objects = AuditedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="person_group_name_not_blank"),
        ]

    def __str__(self):
        return self.name
