using System.Globalization;

namespace Command.Grains.Regions.Import;

/// <summary>Plausible but invented names and mobile numbers for grid workers, drawn from a seed.</summary>
internal static class SyntheticPeople
{
    // Common surnames, most common first: draws favour the front of the list.
    private const string Surnames =
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪" +
        "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";

    private const string GivenNameCharacters =
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力鹏宇浩凯健俊帆旭宁欣佳雪婷慧晶莉丹颖琳博斌鑫亮" +
        "海波峰飞春梅兰凤荣国东志成新晓金云忠德永彬瑞嘉怡思雨晨阳光燕淑珍利振学";

    // Mobile number prefixes of the three carriers' 13x, 15x and 18x ranges.
    private static readonly string[] PhonePrefixes =
    [
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
        "150", "151", "152", "153", "155", "156", "157", "158", "159",
        "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
    ];

    /// <summary>A surname and one or two given-name characters.</summary>
    public static string Name(ulong seed)
    {
        var random = new SplitMix64(seed);
        var u = random.NextDouble();
        var surname = Surnames[(int)(u * u * Surnames.Length)];
        var first = GivenNameCharacters[random.NextInt(GivenNameCharacters.Length)];
        if (random.NextDouble() < 0.35)
        {
            return string.Concat(surname, first);
        }

        var second = GivenNameCharacters[random.NextInt(GivenNameCharacters.Length)];
        return string.Concat(surname, first, second);
    }

    /// <summary>An 11-digit mobile number starting with 13, 15 or 18.</summary>
    public static string Phone(ulong seed)
    {
        var random = new SplitMix64(seed);
        var prefix = PhonePrefixes[random.NextInt(PhonePrefixes.Length)];
        var rest = random.NextInt(100_000_000);
        return prefix + rest.ToString("D8", CultureInfo.InvariantCulture);
    }
}
