"""The reminders page (due and upcoming, with a clear action) and the account's stats
with a bar chart of bookmarks added per month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.bookmarks import bulk, reminders, stats
from markhive.web import views
from markhive.web.handler import Call, Render, context, handle, path_id, redirect, web

MONTHS = 24
# The chart's drawing, in SVG user units: bars BAR wide every STEP, from LEFT.
HEIGHT, TOP, BOTTOM, LEFT, STEP, BAR = 210, 12, 180, 10, 30, 22


@dataclass(frozen=True)
class Bar:
    month: date
    count: int
    x: int
    y: float
    height: float

    @property
    def name(self) -> str:
        return self.month.strftime("%B %Y")

    @property
    def short(self) -> str:
        return self.month.strftime("%b %y")


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    total: int
    peak: Bar | None
    width: int
    height: int = HEIGHT
    baseline: int = BOTTOM
    bar_width: int = BAR


def chart(points: list[tuple[date, int]]) -> Chart:
    """Bars scaled so that the busiest month fills the drawing's height."""
    highest = max((n for _, n in points), default=0) or 1
    bars = []
    for i, (month, count) in enumerate(points):
        height = round((BOTTOM - TOP) * count / highest, 1)
        bars.append(Bar(month, count, LEFT + i * STEP, round(BOTTOM - height, 1), height))
    peak = max(bars, key=lambda b: b.count) if any(b.count for b in bars) else None
    width = 2 * LEFT + max(len(points) - 1, 0) * STEP + BAR
    return Chart(bars, sum(n for _, n in points), peak, width)


async def reminder_list(request: Request) -> Response:
    def work(session: Session, call: Call) -> Render:
        due = bulk.due_reminders(session, call.user.id)
        values = {
            "due": views.bookmarks(session, due[: reminders.MAX_SHOWN]),
            "due_count": len(due),
            "upcoming": views.bookmarks(session, reminders.upcoming(session, call.user.id)),
            "days": reminders.UPCOMING_DAYS,
        }
        return Render("insights/reminders.html", values)

    return await handle(request, work)


async def clear_reminder(request: Request) -> Response:
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, call: Call) -> Response:
        reminders.clear(session, call.user.id, bookmark_id)
        return redirect("/reminders", request)

    return await handle(request, work, write=True)


async def stats_page(request: Request) -> Response:
    ctx = context(request)

    def work(session: Session, call: Call) -> Render:
        user_id = call.user.id
        numbers = stats.breakdown(session, user_id, web(request).breakdowns, MONTHS)
        values = {
            "stats": stats.account_stats(session, user_id, ctx.stats_cache),
            "states": numbers.states,
            "chart": chart(list(numbers.per_month)),
            "months": MONTHS,
        }
        return Render("insights/stats.html", values)

    return await handle(request, work)


ROUTES = [
    Route("/reminders", reminder_list, methods=["GET"]),
    Route("/reminders/{bookmark_id:int}/clear", clear_reminder, methods=["POST"]),
    Route("/stats", stats_page, methods=["GET"]),
]
