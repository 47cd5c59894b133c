"""The long words: the two briefings and the program's announcement."""

CONFIDENCE_BRIEFING = (
    "*Before your first session: you are the expert here*\n"
    "• What you do every day (the tools, the platforms, the habits) is exactly what a leader "
    'can\'t see from where they sit. It is expertise, not "just common knowledge".\n'
    "• *How to run 30 minutes:* show one real thing on a real screen, let them try it "
    "themselves, then explain why it works. Doing beats describing.\n"
    '• *Not knowing everything is fine.* "Let\'s find out together" is a great answer.\n'
    "• Your partner shares career insight back: bring one career question of your own."
)

LEARNERS_GUIDE = (
    "*Before your first session: a learner's guide*\n"
    "• *Be the learner.* For this hour your partner leads the topic; you lead only the career "
    "part.\n"
    '• *Ask the "obvious" questions.* They are the ones that teach the most.\n'
    "• *Let them drive.* Put your hands on the keyboard when they say so; resist fixing.\n"
    "• *No jokes about generations.* You're two colleagues, not two age groups.\n"
    "• *Share career insight back*: how decisions get made, what you wish you'd known."
)

ANNOUNCEMENT = (
    ":sparkles: *Flipside: reverse mentoring is here*\n"
    "Early-career colleagues teach leaders what they know best (AI and new tools, digital "
    "trends, social media, inclusion, modern work culture), and leaders share career insight "
    "back. Short sessions, booked right here in Slack, with private notes.\n\n"
    "*What it asks of you*\n"
    "• *If you're early in your career:* 30-45 minutes every couple of weeks to show what you "
    "do every day. What you know is expertise.\n"
    "• *If you're a leader:* the same time, as the learner, and your career insight in return.\n\n"
    "*How to join:* press *Join* below, or type `/mentor join` anywhere. You choose what you "
    "share and what you want to learn; the program team pairs people in matching rounds."
)
