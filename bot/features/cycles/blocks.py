"""The end-of-cycle survey."""

from __future__ import annotations

from bot.domain.cycles import CHANGED_MAX, CONTINUE_LABELS, SurveyForm
from bot.kit.blocks import Json, context, option, plain
from bot.kit.ids import Field, View
from bot.kit.state import Values, selected, text, whole_number


def survey_modal(meta: str) -> Json:
    return {
        "type": "modal",
        "callback_id": View.CYCLE_SURVEY,
        "title": plain("End of cycle"),
        "submit": plain("Send"),
        "close": plain("Later"),
        "private_metadata": meta,
        "blocks": [
            {
                "type": "input",
                "block_id": Field.CONTINUE_WITH,
                "label": plain("Would you continue with this partner?"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": Field.CONTINUE_WITH,
                    "options": [option(label, str(v)) for v, label in CONTINUE_LABELS.items()],
                },
            },
            {
                "type": "input",
                "block_id": Field.CHANGED,
                "optional": True,
                "label": plain("What changed for you? (only you see this)"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": Field.CHANGED,
                    "multiline": True,
                    "max_length": CHANGED_MAX,
                },
            },
            {
                "type": "input",
                "block_id": Field.RECOMMEND,
                "label": plain("How likely are you to recommend the program? (0-10)"),
                "element": {
                    "type": "static_select",
                    "action_id": Field.RECOMMEND,
                    "placeholder": plain("0 = not at all, 10 = certainly"),
                    "options": [option(str(n), str(n)) for n in range(11)],
                },
            },
            context("Your partner never sees your answers; the program team only sees totals."),
        ],
    }


def parse_survey(values: Values) -> SurveyForm:
    return SurveyForm(
        continue_with=selected(values, Field.CONTINUE_WITH),
        changed=text(values, Field.CHANGED).strip(),
        recommend=whole_number(selected(values, Field.RECOMMEND)),
    )
