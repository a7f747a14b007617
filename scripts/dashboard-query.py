#!/usr/bin/env python3
"""Checks contrib/grafana/tierd-dashboard.json against a real Prometheus, and renders it.

  dashboard-query.py DASHBOARD PROMETHEUS_URL START END [--png PATH]

1. The dashboard is valid: JSON, unique panel ids, grid positions inside 24 columns, every
   target a PromQL expression on the dashboard's datasource variable.
2. Every target of every panel, with Grafana's macros replaced ($__rate_interval by 15s,
   $__range by END-START), returns data at END from the Prometheus at PROMETHEUS_URL
   (its HTTP API); the script fails naming each one that returns nothing or an error.
3. With --png, the panels are drawn with matplotlib from the same queries over START..END
   (query_range), laid out by their gridPos: a rendering of the dashboard's queries on real
   data, not a Grafana screenshot (Grafana is not packaged for Debian).

Run by scripts/dashboard-check.sh, which starts tierd, node_exporter and Prometheus.
"""
import json
import sys
import urllib.parse
import urllib.request

RATE_INTERVAL = "15s"


def fail(message):
    print(f"dashboard-query: {message}", file=sys.stderr)
    sys.exit(1)


def validate(dashboard):
    problems = []
    ids = [panel.get("id") for panel in dashboard.get("panels", [])]
    if not ids:
        problems.append("no panels")
    if len(set(ids)) != len(ids):
        problems.append(f"duplicate panel ids: {ids}")
    variables = [v.get("name") for v in dashboard.get("templating", {}).get("list", [])]
    if "datasource" not in variables:
        problems.append("no datasource variable")
    for panel in dashboard.get("panels", []):
        title = panel.get("title", "?")
        grid = panel.get("gridPos", {})
        if not all(isinstance(grid.get(k), int) for k in "xywh") or grid["x"] + grid["w"] > 24:
            problems.append(f"{title}: bad gridPos {grid}")
        if panel.get("type") not in ("stat", "timeseries"):
            problems.append(f"{title}: unexpected panel type {panel.get('type')}")
        targets = panel.get("targets", [])
        if not targets or (panel.get("type") == "stat" and len(targets) != 1):
            problems.append(f"{title}: {len(targets)} targets")
        for target in targets:
            if not target.get("expr") or target.get("datasource", {}).get("uid") != "${datasource}":
                problems.append(f"{title}: target {target.get('refId')} has no expr or not the datasource variable")
    if problems:
        fail("invalid dashboard:\n  " + "\n  ".join(problems))


def expression(target, start, end):
    return (target["expr"].replace("$__rate_interval", RATE_INTERVAL)
            .replace("$__range", f"{int(end - start)}s"))


def api(base, path, **params):
    url = f"{base}/api/v1/{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(body.get("error", "query failed"))
    return body["data"]["result"]


def legend(target, labels):
    text = target.get("legendFormat") or ""
    for key, value in labels.items():
        text = text.replace("{{" + key + "}}", value)
    return text or ",".join(f"{k}={v}" for k, v in labels.items() if k != "__name__") or target["expr"]


def render(dashboard, base, start, end, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from datetime import datetime

    panels = dashboard["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    figure = plt.figure(figsize=(18, rows * 0.42 + 1.2), facecolor="#111217")
    figure.suptitle(
        f"{dashboard['title']}: the dashboard's queries on a real tierd run "
        f"(rendered from Prometheus query results with matplotlib, not a Grafana screenshot)",
        color="#d8d9da", fontsize=12)
    grid = figure.add_gridspec(rows, 24, hspace=2.2, wspace=0.6, top=1 - 0.9 / (rows * 0.42 + 1.2), bottom=0.03)
    step = max(1, int((end - start) / 200))
    for panel in panels:
        g = panel["gridPos"]
        axes = figure.add_subplot(grid[g["y"]:g["y"] + g["h"], g["x"]:g["x"] + g["w"]])
        axes.set_facecolor("#181b1f")
        axes.set_title(panel["title"], color="#d8d9da", fontsize=10, loc="left")
        for spine in axes.spines.values():
            spine.set_color("#2c3235")
        axes.tick_params(colors="#8e8e8e", labelsize=7)
        if panel["type"] == "stat":
            result = api(base, "query", query=expression(panel["targets"][0], start, end), time=end)
            value = float(result[0]["value"][1]) if result else float("nan")
            mappings = panel["fieldConfig"]["defaults"].get("mappings", [])
            text = f"{value:g}"
            color = "#5794f2"
            for mapping in mappings:
                option = mapping["options"].get(str(int(value))) if value == value else None
                if option:
                    text, color = option["text"], {"green": "#73bf69", "red": "#f2495c"}[option["color"]]
            steps = panel["fieldConfig"]["defaults"].get("thresholds", {}).get("steps", [])
            if not mappings and steps:
                level = [s for s in steps if s["value"] is None or value >= s["value"]][-1]
                color = {"green": "#73bf69", "orange": "#ff9830", "blue": "#5794f2", "red": "#f2495c"}[level["color"]]
            axes.set_facecolor(color)
            axes.text(0.5, 0.45, text, ha="center", va="center", fontsize=28, color="white", transform=axes.transAxes)
            axes.set_xticks([])
            axes.set_yticks([])
            continue
        stacked = panel["fieldConfig"]["defaults"].get("custom", {}).get("stacking", {}).get("mode") == "normal"
        series = []
        for target in panel["targets"]:
            for item in api(base, "query_range", query=expression(target, start, end), start=start, end=end, step=step):
                times = [datetime.fromtimestamp(float(t)) for t, _ in item["values"]]
                values = [float(v) for _, v in item["values"]]
                series.append((legend(target, item["metric"]), times, values))
        if stacked and series:
            # Align on the union of timestamps (missing points count 0), then stack.
            stamps = sorted({t for _, times, _ in series for t in times})
            columns = [[dict(zip(times, values)).get(t, 0.0) for t in stamps] for _, times, values in series]
            axes.stackplot(stamps, columns, labels=[name for name, _, _ in series], alpha=0.6)
        else:
            for name, times, values in series:
                axes.plot(times, values, label=name, linewidth=1.4)
        unit = panel["fieldConfig"]["defaults"].get("unit", "")
        if unit:
            axes.set_ylabel({"ops": "per second", "s": "seconds", "bps": "bit/s"}.get(unit, unit), color="#8e8e8e", fontsize=7)
        axes.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%H:%M:%S"))
        axes.grid(color="#2c3235", linewidth=0.5)
        axes.legend(fontsize=6, loc="upper left", facecolor="#181b1f", labelcolor="#d8d9da", edgecolor="#2c3235", ncol=2)
    figure.savefig(path, dpi=80, facecolor=figure.get_facecolor())


def main():
    arguments = sys.argv[1:]
    png = None
    if "--png" in arguments:
        index = arguments.index("--png")
        png = arguments[index + 1]
        del arguments[index:index + 2]
    if len(arguments) != 4:
        fail(__doc__)
    path, base, start, end = arguments[0], arguments[1], float(arguments[2]), float(arguments[3])
    with open(path) as file:
        dashboard = json.load(file)
    validate(dashboard)
    empty = []
    count = 0
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            count += 1
            query = expression(target, start, end)
            try:
                result = api(base, "query", query=query, time=end)
            except Exception as error:  # an HTTP 400 carries Prometheus's parse error
                empty.append(f"{panel['title']} [{target['refId']}] {query}: {error}")
                continue
            if not result:
                empty.append(f"{panel['title']} [{target['refId']}] {query}: no data")
            else:
                shown = ", ".join(f"{legend(target, r['metric'])}={float(r['value'][1]):g}" for r in result[:4])
                print(f"ok  {panel['title']} [{target['refId']}]: {shown}")
    if empty:
        fail(f"{len(empty)} of {count} queries returned no data:\n  " + "\n  ".join(empty))
    print(f"dashboard-query: all {count} queries of {len(dashboard['panels'])} panels returned data")
    if png:
        render(dashboard, base, start, end, png)
        print(f"dashboard-query: wrote {png}")


if __name__ == "__main__":
    main()
