"""Read a `backstop export` into pandas and print a short summary per fund.

    python3 docs/examples/read_export.py history.parquet history-markets.parquet
    python3 docs/examples/read_export.py history.csv history-markets.csv

Parquet needs pyarrow (or fastparquet) beside pandas; CSV needs pandas alone.
"""
import sys

import pandas as pd


def read(path: str) -> pd.DataFrame:
    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    frame = pd.read_csv(path)
    frame["as_of"] = pd.to_datetime(frame["as_of"], utc=True)
    return frame


runs = read(sys.argv[1])
markets = read(sys.argv[2])

for fund_id, fund in runs.groupby("fund_id"):
    last = fund.sort_values("as_of").iloc[-1]
    print(f"{fund_id}: {len(fund)} runs from {fund['as_of'].min():%Y-%m-%dT%H:%M}Z to {fund['as_of'].max():%Y-%m-%dT%H:%M}Z")
    print(f"  lowest coverage {fund['coverage_ratio'].min():.4f}, latest {last['coverage_ratio']:.4f} ({last['status']})")
    print(f"  latest required reserve {last['required_reserve_usd']:,.0f} USD, binding {last['binding']}")
    # The markets table is long form: one row per market per run; join it on (fund_id, as_of).
    latest = markets[(markets["fund_id"] == fund_id) & (markets["as_of"] == last["as_of"])]
    top = latest.sort_values("es_contribution_usd", ascending=False).iloc[0]
    print(f"  largest ES contribution {top['market_id']} {top['es_contribution_usd']:,.0f} USD")
