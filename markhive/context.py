"""Everything a request handler or command needs, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from markhive.assets.service import AssetService
from markhive.assets.storage import AssetStorage
from markhive.bookmarks.stats import StatsCache
from markhive.db.engine import make_engine
from markhive.db.session import Database
from markhive.search.count_cache import CountCache, OrderCache
from markhive.settings import Settings
from markhive.users.quota import QuotaStore, make_store

if TYPE_CHECKING:
    from markhive.fetch.service import MetadataService
    from markhive.jobs.tasks import Jobs


@dataclass
class Context:
    settings: Settings
    db: Database
    assets: AssetService
    metadata: MetadataService
    jobs: Jobs
    count_cache: CountCache
    order_cache: OrderCache
    stats_cache: StatsCache
    quota: QuotaStore

    def close(self) -> None:
        self.quota.close()
        self.db.dispose()


def build_context(settings: Settings) -> Context:
    from markhive.fetch.service import MetadataService
    from markhive.jobs.queue import make_huey
    from markhive.jobs.tasks import Jobs

    settings.ensure_data_dir()
    db = Database(make_engine(settings.database_url))
    metadata = MetadataService(settings, db)
    return Context(
        settings=settings,
        db=db,
        assets=AssetService(AssetStorage(settings.assets_dir)),
        metadata=metadata,
        jobs=Jobs(settings, db, make_huey(settings), metadata=metadata),
        count_cache=CountCache(),
        order_cache=OrderCache(),
        stats_cache=StatsCache(),
        quota=make_store(settings, db),
    )
