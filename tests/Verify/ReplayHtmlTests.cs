using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using StressVm.Cli;
using Xunit;

namespace StressVm.Tests.Verify;

/// <summary>A fact that needs Debian's chromium and chromedriver; skipped, with the reason, when they are absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Browser) || !File.Exists(Driver))
            Skip = $"needs {Browser} and {Driver} (apt-get install -y chromium chromium-driver; .ci/run does it)";
    }
}

/// <summary>`replay --html` rendered by a real headless browser: the DOM has what the page promises.</summary>
[Collection("console")]
public class ReplayHtmlTests
{
    private static string Write(string name, params string[] args)
    {
        string dir = Path.Combine(Path.GetTempPath(), "stressvm-html-tests");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, name + ".html");
        int code = CliApp.Run(["replay", .. args, "--html", file]);
        Assert.True(code is 0 or 1, $"replay exited {code}");
        return file;
    }

    private static ChromeDriver Browser()
    {
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromiumFactAttribute.Driver)!, Path.GetFileName(ChromiumFactAttribute.Driver));
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumFactAttribute.Browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1600,1000");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
    }

    [ChromiumFact]
    public void TheViolatingStepIsHighlightedAndEveryStepHasItsDetails()
    {
        string file = Write("wrprotect-vs-write", "wrprotect-vs-write", "--seed", "0", "--strategy", "pct", "--pct-depth", "3");
        Assert.DoesNotContain("http", File.ReadAllText(file).Replace("http-equiv", "")); // self-contained: nothing fetched
        using var browser = Browser();
        browser.Navigate().GoToUrl(new Uri(file).AbsoluteUri);
        var violation = browser.FindElements(By.CssSelector("tr#violation"));
        Assert.Single(violation);
        Assert.Contains("!!", violation[0].Text);
        string bg = violation[0].FindElement(By.CssSelector("td.lane")).GetCssValue("background-color");
        Assert.Equal("rgba(255, 227, 227, 1)", bg);
        var events = browser.FindElements(By.CssSelector("div.ev"));
        Assert.NotEmpty(events);
        Assert.All(events.Take(20), e => Assert.Contains("message:", e.GetAttribute("title")));
        Assert.NotEmpty(browser.FindElements(By.CssSelector("span.spanbar")));
        Assert.NotEmpty(browser.FindElements(By.CssSelector("span.holdbar")));
        browser.GetScreenshot().SaveAsFile(Path.ChangeExtension(file, ".png"));
    }

    [ChromiumFact]
    public void ManyActorsStayReadableWithoutCutCells()
    {
        string file = Write("mixed-drivers", "mixed-drivers", "--seed", "3");
        using var browser = Browser();
        browser.Navigate().GoToUrl(new Uri(file).AbsoluteUri);
        var columns = browser.FindElements(By.CssSelector("th.actor"));
        Assert.True(columns.Count >= 10, $"{columns.Count} actor columns");
        // No cell cuts its text: every body's content fits its box (it wraps instead).
        var cut = (long)((IJavaScriptExecutor)browser).ExecuteScript(
            "return Array.from(document.querySelectorAll('td.lane .body')).filter(b => b.scrollWidth > b.clientWidth + 1).length;")!;
        Assert.Equal(0L, cut);
        var headers = columns.Select(c => c.Text).ToList();
        Assert.All(headers, h => Assert.DoesNotContain("~", h));
        browser.GetScreenshot().SaveAsFile(Path.ChangeExtension(file, ".png"));
    }
}
