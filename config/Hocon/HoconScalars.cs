using System.Globalization;

namespace StressVm.Config.Hocon;

/// <summary>A string: quoted, triple-quoted, unquoted, or the result of a concatenation.</summary>
public sealed class HoconString : HoconValue
{
    public HoconString(string value, ConfigOrigin origin, bool isWhitespace = false) : base(origin)
    {
        Value = value;
        IsWhitespace = isWhitespace;
    }

    public string Value { get; }

    /// <summary>Unquoted whitespace between the pieces of a concatenation (ignored between arrays or objects).</summary>
    public bool IsWhitespace { get; }

    public override string TypeName => "string";
    public override bool IsResolved => true;
    public override string ToString() => Value;
}

/// <summary>A number, keeping the text it was written as (value concatenation and paths use the text).</summary>
public sealed class HoconNumber : HoconValue
{
    public HoconNumber(string text, ConfigOrigin origin) : base(origin)
    {
        Text = text;
        if (!text.Contains('.') && !text.Contains('e') && !text.Contains('E') &&
            long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            IsInteger = true;
            LongValue = l;
            DoubleValue = l;
        }
        else
        {
            DoubleValue = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The number as written, e.g. "1e5".</summary>
    public string Text { get; }

    /// <summary>Written as an integer that fits a long.</summary>
    public bool IsInteger { get; }

    public long LongValue { get; }
    public double DoubleValue { get; }

    public override string TypeName => "number";
    public override bool IsResolved => true;
    public override string ToString() => Text;
}

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed class HoconBoolean : HoconValue
{
    public HoconBoolean(bool value, ConfigOrigin origin) : base(origin) => Value = value;

    public bool Value { get; }

    public override string TypeName => "boolean";
    public override bool IsResolved => true;
    public override string ToString() => Value ? "true" : "false";
}

/// <summary><c>null</c>.</summary>
public sealed class HoconNull : HoconValue
{
    public HoconNull(ConfigOrigin origin) : base(origin) { }

    public override string TypeName => "null";
    public override bool IsResolved => true;
    public override string ToString() => "null";
}
