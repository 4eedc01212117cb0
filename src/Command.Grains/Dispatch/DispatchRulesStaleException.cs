namespace Command.Grains.Dispatch;

/// <summary>A save made on a table that someone else replaced meanwhile; nothing was changed.</summary>
public sealed class DispatchRulesStaleException : Exception
{
    public const string Explanation = "规则表在您编辑期间已被他人修改并保存，本次保存未生效；请刷新页面，在最新的规则表上重新修改";

    public DispatchRulesStaleException()
        : base(Explanation)
    {
    }

    public DispatchRulesStaleException(string message)
        : base(message)
    {
    }

    public DispatchRulesStaleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
