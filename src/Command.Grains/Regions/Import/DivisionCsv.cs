using System.Globalization;
using System.Text;

namespace Command.Grains.Regions.Import;

/// <summary>Reads a division list in CSV form: header <c>code,name,level,parent_code</c>, one division a line.</summary>
public static class DivisionCsv
{
    private const string Header = "code,name,level,parent_code";

    /// <summary>
    /// Parses every line after the header. Fields may be quoted (<c>"..."</c>, with <c>""</c> for a quote) but may not
    /// span lines; blank lines are skipped.
    /// </summary>
    /// <exception cref="RegionImportException">
    /// A line is malformed: wrong field count, unknown level, a code that is not digits or whose length does not match its
    /// level, a missing parent or one that does not prefix the code, or a code seen before. The message names the line.
    /// </exception>
    public static IReadOnlyList<Division> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine()?.TrimStart('\uFEFF').Trim();
        if (!string.Equals(header, Header, StringComparison.OrdinalIgnoreCase))
        {
            throw new RegionImportException($"line 1: expected the header '{Header}' but found '{header}'");
        }

        var divisions = new List<Division>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var division = Parse(line, lineNumber);
            if (!seen.TryAdd(division.Code, lineNumber))
            {
                throw new RegionImportException(
                    $"line {lineNumber}: code {division.Code} already appears on line {seen[division.Code]}");
            }

            divisions.Add(division);
        }

        return divisions;
    }

    private static Division Parse(string line, int lineNumber)
    {
        var fields = SplitFields(line, lineNumber);
        if (fields.Count != 4)
        {
            throw new RegionImportException($"line {lineNumber}: expected 4 fields but found {fields.Count}");
        }

        var code = fields[0];
        var name = fields[1];
        var parent = fields[3].Length == 0 ? null : fields[3];
        if (name.Length == 0)
        {
            throw new RegionImportException($"line {lineNumber}: the name of {code} is empty");
        }

        if (!TryParseLevel(fields[2], out var level))
        {
            throw new RegionImportException(
                $"line {lineNumber}: bad level '{fields[2]}' (expected city, county, township or village)");
        }

        var length = RegionCodes.Length(level);
        if (code.Length != length || !RegionCodes.IsDigits(code))
        {
            throw new RegionImportException(
                $"line {lineNumber}: code '{code}' does not match level {fields[2]} (expected {length} digits)");
        }

        if (level != RegionLevel.City)
        {
            if (parent is null)
            {
                throw new RegionImportException($"line {lineNumber}: missing parent code for {fields[2]} {code}");
            }

            var parentLength = RegionCodes.Length(level - 1);
            if (parent.Length != parentLength || !code.StartsWith(parent, StringComparison.Ordinal))
            {
                throw new RegionImportException(
                    $"line {lineNumber}: parent code '{parent}' is not the {parentLength}-digit prefix of {code}");
            }
        }

        return new Division(code, name, level, parent);
    }

    private static bool TryParseLevel(string text, out RegionLevel level)
    {
        level = text.ToUpperInvariant() switch
        {
            "CITY" => RegionLevel.City,
            "COUNTY" => RegionLevel.County,
            "TOWNSHIP" => RegionLevel.Township,
            "VILLAGE" => RegionLevel.Village,
            _ => RegionLevel.Grid,
        };
        return level != RegionLevel.Grid;
    }

    private static List<string> SplitFields(string line, int lineNumber)
    {
        var fields = new List<string>(4);
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new RegionImportException($"line {lineNumber}: unterminated quoted field");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    throw new RegionImportException(
                        $"line {lineNumber}: unexpected '{line[i]}' after a quoted field at column {i + 1}");
                }
            }
            else
            {
                var end = line.IndexOf(',', i);
                end = end < 0 ? line.Length : end;
                field.Append(line, i, end - i);
                i = end;
            }

            fields.Add(field.ToString().Trim());
            if (i >= line.Length)
            {
                return fields;
            }

            i++; // the comma
        }
    }
}
