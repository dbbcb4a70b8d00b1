"""The world the tests share: the organisations, bodies, people and logins that test after
test meets, each made the first time a test asks for it.

The `world` fixture (tests/conftest.py) starts empty. `world["sue"]` makes Sue Allan, with her
council and her login, the first time it is asked for, and gives the same person after. A test
file whose tests need more (actions with a known history, a meeting's list) extends it with a
fixture of the same name that takes `world`, asks for the members of the cast it uses, adds its
own objects, and returns it. Nothing is made that nobody asks for, so a file's own counts
(every action on the tracker, every organisation in a list) hold with only what that file made.

The people are the roles of the permission matrix (tests/project/test_permissions.py), each
with a login, and the role clients in tests/conftest.py sign them in:

key      person                                                 role (client)
sue      Sue Allan, Head of Commissioning, council               officer (officer_client)
paul     Paul Nugent, council                                    colleague (colleague_client)
alison   Alison Alexander, Executive Director, council           plan lead (lead_client)
bell     Councillor Bell, a member of the panel                  panel member (panel_client)
bob      Bob Brown, Superintendent, police                       outsider (outsider_client)
emily    Emily Goodwin, Democratic Support Officer, council      democratic support (support_client)
hos      the post "HoS Early Help", council (nobody named)       no login

Two logins are kept by role: support (Emily's login) and admin (a superuser with no person,
the user of pytest-django's admin_client).

Organisations: council (Southampton City Council, "SCC"), pct (Southampton City PCT), police
(Hampshire Constabulary), elsewhere (Portsmouth City Council). Bodies: panel (Children and
Young People Scrutiny Panel), families_panel (Children and Families Scrutiny Panel), board
(Children's Trust Board), police_board (Community Safety Partnership). The inquiry
(Children's APA Scrutiny Inquiry, made by the panel), the APA action plan (the board's, led by
Alison; no actions: each file adds its own) and the police's plan (led by Bob).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth.models import Group

from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import BodyKind, MembershipRole, OrganisationKind
from tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SourceFactory,
    UserFactory,
)

# The day most tests view the tracker as at: the Children and Families Scrutiny Panel's
# meeting of 4 November 2021, the demo's newest paper.
AS_AT = datetime.date(2021, 11, 4)


class World(dict):
    """The cast by key (see the module's docstring), each member made when first asked for.

    `World(cast)` is a test's world on a cast: it takes the cast's members as they are asked
    for and keeps the test file's own objects beside them. A file may put its own object under
    a key of the cast (its own Sue Allan, of another organisation) without changing the cast,
    whose members the role clients sign in."""

    def __init__(self, cast: World | None = None):
        super().__init__()
        self.cast = cast

    def __missing__(self, key: str):
        if self.cast is not None:
            made = self.cast[key]
        else:
            try:
                make = CAST[key]
            except KeyError:
                raise KeyError(key) from None
            made = make(self)
        self[key] = made
        return made


# The roles of the permission matrix, and who in the cast has each.
ROLE_PEOPLE = {
    "officer": "sue",
    "colleague": "paul",
    "panel": "bell",
    "lead": "alison",
    "outsider": "bob",
    "support": "emily",
}


def login(username: str, *, support: bool = False):
    user = UserFactory(username=username)
    if support:
        user.groups.add(Group.objects.get_or_create(name=DEMOCRATIC_SUPPORT_GROUP)[0])
    return user


def panel_member(world: World):
    bell = PersonFactory(name="Councillor Bell", job_title="", organisation=None, user=login("bell"))
    MembershipFactory(body=world["panel"], person=bell, role=MembershipRole.MEMBER)
    return bell


def democratic_support(world: World):
    return PersonFactory(
        name="Emily Goodwin",
        job_title="Democratic Support Officer",
        organisation=world["council"],
        email="emily.goodwin@example.org",
        user=login("support", support=True),
    )


def admin(world: World):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


CAST: dict[str, Callable[[World], object]] = {
    # Organisations
    "council": lambda w: OrganisationFactory(name="Southampton City Council", short_name="SCC"),
    "pct": lambda w: OrganisationFactory(name="Southampton City PCT", kind=OrganisationKind.NHS),
    "police": lambda w: OrganisationFactory(name="Hampshire Constabulary", kind=OrganisationKind.POLICE),
    "elsewhere": lambda w: OrganisationFactory(name="Portsmouth City Council"),
    # Bodies
    "panel": lambda w: BodyFactory(name="Children and Young People Scrutiny Panel", organisation=w["council"]),
    "families_panel": lambda w: BodyFactory(name="Children and Families Scrutiny Panel", organisation=w["council"]),
    "board": lambda w: BodyFactory(
        name="Children's Trust Board", kind=BodyKind.PARTNERSHIP_BOARD, organisation=w["council"]
    ),
    "police_board": lambda w: BodyFactory(
        name="Community Safety Partnership", kind=BodyKind.PARTNERSHIP_BOARD, organisation=w["police"]
    ),
    # People, one for each role, and a post with nobody named in it
    "sue": lambda w: PersonFactory(
        name="Sue Allan", job_title="Head of Commissioning", organisation=w["council"], user=login("sue")
    ),
    "paul": lambda w: PersonFactory(name="Paul Nugent", organisation=w["council"], user=login("paul")),
    "alison": lambda w: PersonFactory(
        name="Alison Alexander", job_title="Executive Director", organisation=w["council"], user=login("alison")
    ),
    "bell": panel_member,
    "bob": lambda w: PersonFactory(
        name="Bob Brown", job_title="Superintendent", organisation=w["police"], user=login("bob")
    ),
    "emily": democratic_support,
    "support": lambda w: w["emily"].user,
    "admin": admin,
    "hos": lambda w: PersonFactory(name="", job_title="HoS Early Help", organisation=w["council"]),
    # What the recommendations and plans hang on
    "inquiry": lambda w: SourceFactory(title="Children's APA Scrutiny Inquiry", made_by=w["panel"]),
    "apa": lambda w: PlanFactory(title="APA action plan", owning_body=w["board"], lead=w["alison"]),
    "police_plan": lambda w: PlanFactory(
        title="Police safeguarding plan", owning_body=w["police_board"], lead=w["bob"]
    ),
}
