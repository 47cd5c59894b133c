"""Notes' listeners: *Log notes* (session card, the poll's thank-you, the Home tab), the notes
modal, *Edit* / *Delete*, an action item's *Done*, and `/mentor notes`."""

from __future__ import annotations

import re

from bot.features.notes import records, service
from bot.features.notes.blocks import (
    choose_pairing_modal,
    note_modal,
    notes_list,
    notes_modal,
    parse_note,
)
from bot.features.sessions import service as sessions
from bot.kit.blocks import Json, message, notice_modal
from bot.kit.ids import Action, Field, View, any_numbered
from bot.kit.payloads import ItemRef, NoteMeta, NoteRef, PairingRef, SessionRef
from bot.kit.state import selected, whole_number
from bot.platform.slack.listeners import Answer, Listeners
from bot.platform.slack.requests import CommandRequest, Request, ViewRequest
from bot.platform.slack.router import Subcommand

NO_PAIRING = (
    "You don't have a partner yet, so there are no notes. Once you're matched, *Log notes* on a "
    "session card keeps what you covered and what each of you will do next."
)
LOG_FROM_HOME = re.compile(rf"^{Action.LOG_NOTES}_\d+$")  # the Home's, one per pairing


async def _listing(r: CommandRequest | Request, pairing_id: int) -> tuple[list[Json], str]:
    ctx = r.ctx
    to = await service.target(ctx.sessionmaker, r.actor, pairing_id=pairing_id)
    async with ctx.sessionmaker() as session:
        notes = await records.notes_of(session, r.actor.team_id, r.actor.user_id, pairing_id)
    return notes_list(notes, r.actor.user_id, pairing_id, to.partner_id), to.partner_id


async def notes_command(r: CommandRequest) -> None:
    partners = await sessions.active_partners(r.ctx.sessionmaker, r.actor)
    if not partners:
        await r.say(NO_PAIRING)
        return
    await r.ack()
    if len(partners) > 1:
        await r.open(choose_pairing_modal(partners))
        return
    blocks, partner = await _listing(r, partners[0][0])
    body = message(f"Your notes with <@{partner}>", blocks)
    await r.respond(response_type="ephemeral", replace_original=False, **body)


COMMANDS = (
    Subcommand("notes", "your notes with your partner, private to the two of you", notes_command),
)


def register(on: Listeners) -> None:
    ctx = on.ctx

    async def open_note(r: Request, to: service.NoteTarget) -> None:
        meta = NoteMeta(
            pairing_id=to.pairing_id,
            session_id=to.session_id,
            note_id=to.note.id if to.note else None,
        ).dump()
        await r.open(note_modal(to.partner_id, meta, to.note))

    @on.action(Action.LOG_NOTES, title="Log notes")
    async def log_for_session(r: Request) -> None:
        session_id = r.parse(SessionRef).session_id
        await open_note(r, await service.target(ctx.sessionmaker, r.actor, session_id=session_id))

    @on.action(LOG_FROM_HOME, title="Log notes")
    async def log_for_pairing(r: Request) -> None:
        pairing_id = r.parse(PairingRef).pairing_id
        await open_note(r, await service.target(ctx.sessionmaker, r.actor, pairing_id=pairing_id))

    @on.action(any_numbered(Action.EDIT_NOTE), title="Edit notes")
    async def edit(r: Request) -> None:
        note_id = r.parse(NoteRef).note_id
        await open_note(r, await service.target(ctx.sessionmaker, r.actor, note_id=note_id))

    @on.action(any_numbered(Action.DELETE_NOTE), title="Delete a note")
    async def delete(r: Request) -> None:
        await service.delete_note(ctx.sessionmaker, ctx.clock, r.actor, r.parse(NoteRef).note_id)
        await r.tell("Deleted: the note is gone for both of you.")

    @on.action(any_numbered(Action.ITEM_DONE), title="Done")
    async def done(r: Request) -> None:
        item_id = r.parse(ItemRef).item_id
        text = await service.item_done(ctx.sessionmaker, ctx.clock, r.actor, item_id)
        await r.tell(f":white_check_mark: Marked done: {text[:200]}")

    @on.view(View.NOTE, errors_on=Field.COVERED, title="Log notes")
    async def saved(r: ViewRequest) -> Answer:
        meta = r.meta(NoteMeta)
        to = await service.target(
            ctx.sessionmaker,
            r.actor,
            pairing_id=meta.pairing_id,
            session_id=meta.session_id if meta.note_id is None else None,
            note_id=meta.note_id,
        )
        form = parse_note(r.values)
        result = await service.save(
            ctx.sessionmaker, ctx.clock, r.actor, to, form, ctx.settings.hours
        )
        if isinstance(result, dict):
            return Answer.inline(result)
        text = (
            f"Saved. <@{to.partner_id}> can read it too; nobody else can. "
            "`/mentor notes` shows all your notes together."
        )
        if result.items:
            text += " Each action item with a date gets a reminder that morning."
        return Answer.update(notice_modal("Notes saved", text))

    @on.view(View.CHOOSE_NOTES, errors_on=Field.PAIRING, title="Notes")
    async def chosen(r: ViewRequest) -> Answer:
        pairing_id = whole_number(selected(r.values, Field.PAIRING))
        if pairing_id is None:
            return Answer.inline({Field.PAIRING: "Choose a partner."})
        blocks, _ = await _listing(r, pairing_id)
        return Answer.update(notes_modal(blocks[:100]))
