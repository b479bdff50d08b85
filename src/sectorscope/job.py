"""The main job: load (figures, then record files and the figures derived from them) → analyse → forecast →
audit → monitor → publish, as one library call.

It lives here, not in the CLI, so that a notebook, a scheduler, the tests and `sectorscope run` all run the
same sequence and get the same result object; the CLI only prints what `run` returns. Every step is a call
of its layer's library; this module adds nothing but the order and the bookkeeping of what was written.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analytics import AnalysisResult
    from .audit import AuditResult
    from .forecast import ForecastResult
    from .records import DatasetLoad
    from .report import Published
    from .store import VintageSummary

__all__ = ["RunResult", "run"]


@dataclass
class RunResult:
    """What one run of the main job did and wrote.

    `outputs` maps a name ("report.zh.html", "audit.md", "store" …) to the file written; `stated_counts` is
    the number of the data's own figures (not derived, not forecast) per subject, as the store holds them."""

    store_path: Path
    loaded: VintageSummary
    analysis: AnalysisResult
    forecast: ForecastResult
    audit: AuditResult
    published: Published | None
    stated_counts: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, Path] = field(default_factory=dict)
    records: DatasetLoad | None = None  # the dataset's record files: batches loaded, files already held
    trade: VintageSummary | None = None  # the figures derived from the record set, when the dataset has one


def run(
    data_dir: str | Path | None = None,
    out_dir: str | Path = "out",
    *,
    store_path: str | Path | None = None,
    label: str = "",
    loaded_at: datetime | None = None,
    publish: bool = True,
    langs: Sequence[str] = ("zh", "en"),
    generated: datetime | None = None,
    on_file: Callable[[Path], None] | None = None,
    allow_mass_withdraw: bool = False,
) -> RunResult:
    """Run the main job on a dataset folder (the embedded default dataset when `data_dir` is None).

    The dataset is loaded into `store_path` (default `out_dir/sectorscope.duckdb`) as a new vintage,
    withdrawing what it no longer states; the record files its `records/records.yaml` lists are loaded into
    the store's record set (each file once) and the record set's figures derived; it is then analysed (its
    `analytics.yaml`), forecast (its `forecast.yaml`), audited (findings saved in the store), and, with
    `publish`, reported: HTML in `langs`, the zh PDF, the workbook, `alerts.json` under the dataset's
    `alerts.yaml`, the SDMX-CSV export and the audit, analytics and forecast Markdown. `loaded_at` and
    `generated` pin the timestamps (tests, golden files). Raises a `SectorscopeError` subclass on bad input
    or a failed step; a failed load writes nothing.
    """
    # Imported here: `import sectorscope` must stay cheap (the CLI's start-up), and these pull in pandas,
    # statsforecast and the report stack.
    from .analytics import analyse, read_config
    from .audit import record_audit
    from .forecast import forecast_store, read_forecast_config
    from .ingest import MAX_WITHDRAW_SHARE, default_dataset_dir, load_paths
    from .model import STATED
    from .records import derive_trade_figures, load_dataset_records
    from .report import publish as publish_reports
    from .report import write_analytics, write_audit, write_forecast
    from .store import Store

    dataset = Path(data_dir) if data_dir is not None else default_dataset_dir()
    out = Path(out_dir)
    store = Store(Path(store_path) if store_path is not None else out / "sectorscope.duckdb")
    outputs: dict[str, Path] = {"store": store.path}
    try:
        default_label = "default dataset" if data_dir is None else dataset.name
        # a folder of the user's may have lost files: the withdrawal guard holds unless lifted; the embedded
        # dataset is complete by construction
        guard = None if data_dir is None or allow_mass_withdraw else MAX_WITHDRAW_SHARE
        loaded = load_paths(store, [dataset], label=label or default_label, withdraw_missing=True,
                            max_withdraw_share=guard, loaded_at=loaded_at, on_file=on_file)
        # the record files next: deriving their figures needs the exchange rates the dataset just loaded
        records = load_dataset_records(store, dataset, loaded_at=loaded_at)
        trade = None
        if records.records is not None and records.records.sources:
            trade = derive_trade_figures(store, concordance=records.records.concordance)
        stated = store.observations()
        stated = stated.filter(stated.kind == STATED)
        counts = stated.group_by("subject").aggregate(n=lambda t: t.count()).order_by("subject").execute()
        analysis = analyse(store, read_config(dataset))
        forecast = forecast_store(store, read_forecast_config(dataset))
        audited, house_views = record_audit(store)
        published = None
        if publish:
            notes = [*write_analytics(analysis, out, langs), *write_forecast(forecast, out),
                     *write_audit(audited, out, langs, house_views=house_views)]
            outputs.update((path.name, path) for path in notes)
            rules = dataset / "alerts.yaml"
            published = publish_reports(store, out, langs=langs, rules=rules if rules.exists() else None,
                                        generated=generated)
            outputs.update(published.paths)
    finally:
        store.close()
    return RunResult(store_path=store.path, loaded=loaded, analysis=analysis, forecast=forecast,
                     audit=audited, published=published,
                     stated_counts={str(r.subject): int(r.n) for r in counts.itertuples()}, outputs=outputs,
                     records=records, trade=trade)
