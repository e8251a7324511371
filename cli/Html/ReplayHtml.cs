using System.Globalization;
using System.Net;
using System.Text;
using StressVm.Runtime;

namespace StressVm.Cli.Html;

/// <summary>
/// One replay as a self-contained HTML page (no script, no network): a column per actor on logical time (a row
/// per step), the open spans and lock holds of each lane as bars, the violating step highlighted, each step's
/// choice, and every message's details on hover (the title attribute). Cells wrap instead of cutting text, so a
/// 12-actor scenario stays readable (the page scrolls sideways).
/// </summary>
public static class ReplayHtml
{
    public static string Render(string title, string subtitle, RunResult r, Trace trace, Schedule schedule, Func<int, string> nameOf)
    {
        var steps = trace.Steps;
        var marks = trace.Marks;
        var actors = new List<int>();
        foreach (var st in steps) if (!actors.Contains(st.Actor)) actors.Add(st.Actor);
        foreach (var mk in marks) if (mk.Actor >= 0 && !actors.Contains(mk.Actor)) actors.Add(mk.Actor);
        actors.Sort();
        var col = actors.Select((a, i) => (a, i)).ToDictionary(x => x.a, x => x.i);

        // The choice of each step (the actor picked) and the values drawn inside it.
        var values = new Dictionary<int, List<string>>();
        int stepOfChoice = -1;
        foreach (var c in schedule.Choices)
        {
            if (c.Kind == ChoiceKind.Actor) stepOfChoice++;
            else (values.TryGetValue(stepOfChoice, out var l) ? l : values[stepOfChoice] = new()).Add($"{c.Value} of {c.Bound}");
        }
        int violationStep = r.Violation?.Step ?? -1;

        var open = actors.ToDictionary(a => a, _ => new List<(string Name, bool Hold)>());
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>\n")
          .Append(Css).Append("</style></head><body>\n");
        sb.Append("<h1>").Append(E(title)).Append("</h1>\n<p class=\"sub\">").Append(E(subtitle)).Append("</p>\n");
        sb.Append("<p class=\"verdict ").Append(r.IsBug ? "bad" : "ok").Append("\" id=\"verdict\">").Append(E(r.ToString())).Append("</p>\n");
        sb.Append("<table id=\"timeline\"><thead><tr><th class=\"step\">step</th>");
        foreach (int a in actors) sb.Append("<th class=\"actor\" data-actor=\"").Append(E(nameOf(a))).Append("\">").Append(E(nameOf(a))).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        int m = 0;
        var cells = new StringBuilder[actors.Count];
        foreach (var st in steps)
        {
            for (int i = 0; i < cells.Length; i++) cells[i] = new StringBuilder();
            string kind = st.Kind switch { EnvelopeKind.Reply => "reply", EnvelopeKind.Interrupt => "irq", _ => "msg" };
            string text = st.Kind switch
            {
                EnvelopeKind.Reply => $"\u2190 {st.Message} ({nameOf(st.Sender)})",
                EnvelopeKind.Interrupt => $"irq {st.Message}",
                _ => st.Sender == st.Actor || st.Sender < 0 ? st.Message.ToString()! : $"{st.Message} \u2190 {nameOf(st.Sender)}",
            };
            string drawn = values.TryGetValue(st.Index, out var vs) ? $"; drew {string.Join(", ", vs)}" : "";
            string hover = $"step {st.Index}: {nameOf(st.Actor)} takes {st.MessageType} ({kind}) from {(st.Sender < 0 ? "outside" : nameOf(st.Sender))}\n" +
                           $"message: {st.Message}\nchoice: the scheduler picked {nameOf(st.Actor)}{drawn}";
            var own = cells[col[st.Actor]];
            own.Append("<div class=\"ev ").Append(kind).Append("\" title=\"").Append(E(hover)).Append("\">").Append(E(text)).Append("</div>");
            own.Append("<div class=\"choice\">pick ").Append(E(nameOf(st.Actor))).Append(E(drawn)).Append("</div>");
            while (m < marks.Length && marks[m].Step <= st.Index)
            {
                var mk = marks[m++];
                if (mk.Actor < 0 || !col.ContainsKey(mk.Actor)) continue;
                var lane = open[mk.Actor];
                var cell = cells[col[mk.Actor]];
                string detail = mk.Detail is null ? "" : " " + mk.Detail;
                switch (mk.Kind)
                {
                    case MarkKind.SpanBegin: lane.Add((mk.Name, false)); cell.Append("<div class=\"mark begin\">[ ").Append(E(mk.Name + detail)).Append("</div>"); break;
                    case MarkKind.HoldBegin: lane.Add((mk.Name, true)); cell.Append("<div class=\"mark hold\">\u25a0 ").Append(E(mk.Name + detail)).Append("</div>"); break;
                    case MarkKind.SpanEnd:
                        { int at = lane.FindLastIndex(x => !x.Hold && x.Name == mk.Name); if (at < 0) at = lane.FindLastIndex(x => !x.Hold); if (at >= 0) lane.RemoveAt(at); }
                        cell.Append("<div class=\"mark end\">] ").Append(E(mk.Name + detail)).Append("</div>");
                        break;
                    case MarkKind.HoldEnd:
                        { int at = lane.FindLastIndex(x => x.Hold && x.Name == mk.Name); if (at >= 0) lane.RemoveAt(at); }
                        cell.Append("<div class=\"mark end\">\u25a1 ").Append(E(mk.Name)).Append("</div>");
                        break;
                    case MarkKind.Error: cell.Append("<div class=\"mark error\">!! ").Append(E(mk.Name + detail)).Append("</div>"); break;
                    default: cell.Append("<div class=\"mark\">\u00b7 ").Append(E(mk.Name + detail)).Append("</div>"); break;
                }
            }
            bool bad = st.Index == violationStep;
            sb.Append("<tr").Append(bad ? " class=\"violation\" id=\"violation\"" : "").Append(" data-step=\"").Append(st.Index.ToString(CultureInfo.InvariantCulture)).Append("\">");
            sb.Append("<td class=\"step\">").Append(st.Index.ToString(CultureInfo.InvariantCulture)).Append("</td>");
            for (int i = 0; i < actors.Count; i++)
            {
                var lane = open[actors[i]];
                sb.Append("<td class=\"lane").Append(i == col[st.Actor] ? " active" : "").Append("\"><div class=\"bars\">");
                foreach (var (name, hold) in lane)
                    sb.Append("<span class=\"bar ").Append(hold ? "holdbar" : "spanbar").Append("\" title=\"").Append(E(name)).Append("\"></span>");
                sb.Append("</div><div class=\"body\">").Append(cells[i]).Append("</div></td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>\n<p class=\"legend\">bars: <span class=\"bar spanbar\"></span> an open span (fault, syscall, walk), " +
                  "<span class=\"bar holdbar\"></span> a lock held; hover a step for its message, sender and choice.</p>\n</body></html>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body { font: 13px/1.35 system-ui, sans-serif; margin: 1em; color: #222; }
        h1 { font-size: 18px; margin: 0 0 .2em; }
        .sub { color: #555; margin: 0 0 .5em; }
        .verdict.bad { color: #a00; font-weight: bold; } .verdict.ok { color: #060; }
        table { border-collapse: collapse; table-layout: auto; }
        th, td { border: 1px solid #ddd; vertical-align: top; }
        thead th { position: sticky; top: 0; background: #f4f4f4; padding: 4px 6px; white-space: nowrap; }
        td.step, th.step { text-align: right; color: #777; padding: 2px 6px; position: sticky; left: 0; background: #fafafa; }
        td.lane { min-width: 13em; max-width: 24em; padding: 0; }
        td.lane.active { background: #f7fbff; }
        .bars { float: left; display: flex; gap: 1px; height: 100%; min-height: 1.4em; margin-right: 3px; }
        .bar { display: inline-block; width: 4px; min-height: 1.4em; }
        .spanbar { background: #4a90d9; } .holdbar { background: #e0a030; }
        .body { padding: 2px 4px; overflow-wrap: anywhere; white-space: normal; }
        .ev { font-family: ui-monospace, monospace; }
        .ev.reply { color: #255; } .ev.irq { color: #808; }
        .choice { color: #999; font-size: 11px; }
        .mark { color: #555; font-size: 12px; } .mark.begin { color: #2a6; } .mark.end { color: #888; }
        .mark.hold { color: #b70; } .mark.error { color: #c00; font-weight: bold; }
        tr.violation td { background: #ffe3e3 !important; } tr.violation td.lane.active { outline: 2px solid #c00; }
        .legend { color: #555; }
        """;
}
