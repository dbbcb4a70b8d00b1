"""The words actionplans.scale builds its generated council out of: names, places, the text of
recommendations, actions and progress updates. Plain lists, kept apart so the generator reads as the
shape of the data rather than its vocabulary. Everything here is invented."""

PLACE = "Eastbrook"

FIRST_NAMES = [
    "Aisha", "Alan", "Amy", "Andrew", "Anita", "Ben", "Bethan", "Carl", "Catherine", "Chloe",
    "Claire", "Colin", "Daniel", "David", "Deborah", "Dylan", "Eleanor", "Emily", "Faisal", "Fiona",
    "Gareth", "Grace", "Hannah", "Harjit", "Helen", "Ian", "Imran", "Jack", "James", "Jane",
    "Joanne", "John", "Karen", "Kate", "Kwame", "Laura", "Lee", "Linda", "Mark", "Martin",
    "Mary", "Michael", "Nadia", "Neil", "Nicola", "Olivia", "Owen", "Paul", "Priya", "Rachel",
    "Richard", "Robert", "Ruth", "Sam", "Sarah", "Simon", "Sophie", "Stuart", "Sue", "Tom",
]  # fmt: skip

LAST_NAMES = [
    "Adams", "Ahmed", "Allan", "Bailey", "Baker", "Bell", "Bennett", "Bradley", "Brown", "Campbell",
    "Carter", "Chapman", "Clarke", "Collins", "Cooper", "Davies", "Dixon", "Edwards", "Ellis", "Evans",
    "Fisher", "Fletcher", "Foster", "Graham", "Green", "Griffiths", "Hall", "Harris", "Hughes", "Hussain",
    "Jackson", "James", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Knight", "Lee",
    "Lewis", "Marshall", "Martin", "Mason", "Mills", "Mitchell", "Moore", "Morgan", "Murphy", "Nelson",
    "Owen", "Parker", "Patel", "Phillips", "Price", "Reid", "Richards", "Roberts", "Robinson", "Rogers",
    "Russell", "Scott", "Shaw", "Singh", "Smith", "Stevens", "Taylor", "Thomas", "Thompson", "Turner",
    "Walker", "Ward", "Watson", "Webb", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
]  # fmt: skip

OFFICER_TITLES = [
    "Head of Service, Early Help", "Head of Service, Social Care", "Head of Service, SEND",
    "Head of Education", "Service Manager, Permanence", "Service Manager, Quality Assurance",
    "Service Manager, Early Years", "Principal Social Worker", "Performance Manager",
    "Team Manager, MASH", "Team Manager, Looked After Children", "Commissioning Manager",
    "Policy Officer", "Project Manager", "Public Health Consultant", "Housing Options Manager",
    "Community Safety Manager", "Finance Business Partner", "Workforce Development Lead",
    "Participation Officer", "Data and Insight Manager", "Programme Lead, Transformation",
]  # fmt: skip

PARTNER_TITLES = [
    "Designated Nurse for Safeguarding", "Head of Operations", "Chief Inspector",
    "Director of Nursing", "Headteacher", "Chief Executive", "Partnership Manager",
    "Clinical Lead", "Detective Superintendent", "Service Director", "Volunteer Coordinator",
]  # fmt: skip

ORGANISATIONS = {
    # kind: name patterns; {place} is PLACE, {n} a number once a pattern has been used
    "nhs": [
        "{place} Integrated Care Board", "{place} University Hospitals NHS Trust",
        "{place} Community Health NHS Trust", "{place} Mental Health NHS Foundation Trust",
    ],
    "police": ["{place} Police", "{place} Fire and Rescue Service"],
    "school": [
        "{place} College", "St Mary's Primary School", "{place} Academy Trust", "Riverside Secondary School",
        "{place} Sixth Form College", "Hillside Special School",
    ],
    "voluntary": [
        "{place} Council for Voluntary Service", "{place} Young Carers", "{place} Foodbank",
        "{place} Women's Aid", "{place} Citizens Advice",
    ],
    "other": ["{place} Safeguarding Children Partnership", "{place} Housing Association"],
}  # fmt: skip

THEMES = [
    "Children and Families", "Health and Wellbeing", "Housing", "Community Safety", "Adult Social Care",
    "Education and Skills", "Environment", "Economy and Regeneration", "Transport", "Culture and Leisure",
    "Corporate Resources", "Public Health",
]  # fmt: skip

BOARD_KINDS = [
    ("partnership_board", "Partnership Board"),
    ("trust_board", "Trust Board"),
    ("steering_group", "Steering Group"),
]

SOURCE_TITLES = {
    "scrutiny_inquiry": "Scrutiny inquiry into {topic}",
    "inspection": "Inspection of {topic}",
    "review": "Review of {topic}",
    "meeting": "Minutes: actions agreed on {topic}",
}

TOPICS = [
    "early help for families", "services for children in care", "the transition to adult services",
    "school attendance", "support for young carers", "the front door for referrals", "placement sufficiency",
    "support for care leavers", "special educational needs", "domestic abuse services",
    "mental health support in schools", "youth offending", "recruitment and retention of social workers",
    "quality assurance of casework", "temporary accommodation", "hospital discharge",
    "anti-social behaviour", "air quality", "local bus services", "library services",
]  # fmt: skip

RECOMMENDATION_VERBS = [
    "Ensure that", "Review how", "Develop a plan so that", "Report to the panel on how", "Agree how",
    "Strengthen the arrangements by which", "Set out how",
]  # fmt: skip

RECOMMENDATION_SUBJECTS = [
    "partners share information about vulnerable families",
    "children and young people are involved in designing the services they use",
    "the quality of casework is audited and learning is shared",
    "performance data is reported to the board each quarter",
    "assessments are completed within timescales",
    "families know where to go for help",
    "the workforce has the training it needs",
    "schools are supported to improve attendance",
    "plans are reviewed with the child or young person",
    "the voice of the child is recorded in every plan",
    "resources are targeted where the need is greatest",
    "the council and its partners commission services jointly",
]  # fmt: skip

ACTION_VERBS = [
    "Introduce", "Review", "Develop", "Pilot", "Roll out", "Agree", "Publish", "Embed", "Commission",
    "Evaluate", "Recruit to", "Deliver",
]  # fmt: skip

ACTION_OBJECTS = [
    "a multi-agency audit programme", "the referral pathway for early help", "a single assessment framework",
    "training for frontline staff on the new procedures", "a quarterly performance scorecard",
    "the participation strategy", "an outcomes framework for the plan", "a joint commissioning protocol",
    "the sufficiency strategy for placements", "a service user feedback survey",
    "a new case management system module", "the workforce development plan",
    "guidance for schools on attendance", "a transitions protocol with adult services",
]  # fmt: skip

ACTION_PURPOSES = [
    "so that families are seen within four weeks", "to improve the timeliness of assessments",
    "so that learning from audits changes practice", "to reduce repeat referrals",
    "so that the board can track progress", "to improve outcomes for children in care",
    "so that young people's views shape the service", "to meet the inspection recommendation",
]  # fmt: skip

SUCCESS_CRITERIA = [
    "90% of assessments completed within 45 working days",
    "Audit findings reported to the board each quarter",
    "All staff trained by the target date",
    "Repeat referrals below the national average",
    "Feedback from families shows improvement",
]  # fmt: skip

MILESTONES = [
    "Scope agreed; pilot in one locality; roll-out across the city",
    "Draft to the partnership board; consultation; final version published",
    "Procurement; mobilisation; first quarterly report",
]  # fmt: skip

UPDATE_OPENINGS = [
    "Work has started", "Progress this quarter", "The project group has met", "Since the last report",
    "Delivery is under way", "The working group reports that", "Following the last meeting",
]  # fmt: skip

UPDATE_DETAILS = [
    "the draft has been shared with partners for comment",
    "recruitment to the two posts is complete and induction has begun",
    "the pilot in the east locality has finished and is being evaluated",
    "the audit of 40 cases found improvements in the recording of the child's voice",
    "training sessions have been delivered to 120 staff",
    "the scorecard was presented to the board and agreed",
    "a delay in procurement has held up the start of the contract",
    "capacity in the team has been reduced by vacancies",
    "partners have agreed the protocol and it will be signed off next month",
    "data for the quarter shows assessments within timescale rising to 84%",
]  # fmt: skip

COMPLETION_DETAILS = [
    "The action is complete: the new arrangements are in place and embedded in practice.",
    "Completed. The final report was agreed by the board and is published on the intranet.",
    "Complete: all staff have been trained and the procedure is live.",
    "Done. Monitoring continues through the quarterly performance report.",
]  # fmt: skip

REVISION_REASONS = [
    "Delayed by the procurement timetable.",
    "The partners asked for more time to consult families.",
    "Vacancies in the team have slowed delivery; a new date has been agreed with the lead.",
    "Waiting for the national guidance to be published.",
    "Re-planned after the inspection to fit the improvement plan.",
]  # fmt: skip

RESPONSE_TEXTS = {
    "accepted": "Accepted. The service will take this forward as part of the plan.",
    "partially_accepted": "Partially accepted: the council agrees the aim but cannot fund all of it this year.",
    "rejected": "Rejected: the existing arrangements already meet this need, as the report to Cabinet explains.",
    "noted": "Noted. The panel will be kept informed.",
}

NOT_ACCEPTED_COMMENTS = [
    "The panel asked for evidence of the impact before accepting the item as complete.",
    "Members were not satisfied that the new arrangements are embedded yet.",
    "The panel asked for the audit results to be reported to the next meeting.",
]  # fmt: skip

COMMENTS = [
    "Could the lead officer say how families were involved in this?",
    "What is the reason for the delay, and is the new date realistic?",
    "Please bring the audit results to the next meeting.",
    "How does this compare with our statistical neighbours?",
]  # fmt: skip

CURRENT_ACTIVITY = [
    "A pilot is running in two localities.",
    "The service has an action plan in draft.",
    "Some of this is already in place through the early help strategy.",
]  # fmt: skip

GROUPS = ["For immediate action", "Within six months", "Within twelve months"]

VENUES = ["Conference Room 3, Civic Centre", "Committee Room 1, Civic Centre", "Council Chamber, Civic Centre"]

# Measures (outcome indicators), in the words of seed 002's "Measures that matter" and its
# proposed core data set: (name, unit). A plan's measures are drawn from these; a name used
# twice in one plan gets a number.
MEASURES = [
    ("Percentage of CLA visits in timescale", "percentage"),
    ("Percentage of CIN on a plan visits in timescale", "percentage"),
    ("Percentage of CPP reviews in timescale", "percentage"),
    ("Percentage of CLA reviews in timescale", "percentage"),
    ("Percentage of re-referrals in the month", "percentage"),
    ("Percentage of contacts that led to NFA", "percentage"),
    ("Percentage of cases with an up to date supervision", "percentage"),
    ("Percentage of Audits good or better", "percentage"),
    ("Percentage of 17-21 Care Leavers who are NEET", "percentage"),
    ("Percentage of assessments completed within 45 working days", "percentage"),
    ("Number of referrals in the month", "count"),
    ("Number of children's contacts in the month", "count"),
    ("Number of cases open to Early Help", "count"),
    ("Number of CIN on a plan", "count"),
    ("Number of SW's with caseloads above target", "count"),
    ("Number of referrals per 10k", "rate_per_10000"),
    ("Number of CPP per 10,000", "rate_per_10000"),
    ("CLA per 10,000", "rate_per_10000"),
    ("Average days from referral to assessment", "days"),
    ("Average days from plan for adoption to placement", "days"),
    ("Average audit grade", "score"),
    ("Average feedback score from families", "score"),
]  # fmt: skip
MEASURE_SOURCES = ["Paris", "Care Director", "Data Team returns", "Monthly audit programme", "HR system"]
