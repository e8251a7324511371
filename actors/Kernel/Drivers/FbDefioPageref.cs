namespace StressVm.Kernel;

/// <summary>
/// struct fb_deferred_io_pageref: one per page of display memory (1:1 with pgoff). <see cref="Linked"/> is
/// what list_empty(&amp;pageref-&gt;list) reads: false after INIT_LIST_HEAD even if the list still reaches it.
/// </summary>
public sealed class FbDefioPageref
{
    public Frame? Page;
    /// <summary>pageref-&gt;offset &gt;&gt; PAGE_SHIFT.</summary>
    public int Pgoff;
    public bool Linked;

    internal void Reset(int pgoff)
    {
        Page = null;
        Pgoff = pgoff;
        Linked = false;
    }
}
