using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Command.Web.Video;

/// <summary>Video calls and conferences: the options, and the SFU (Janus when <c>Video:Janus:Url</c> is set, none otherwise).</summary>
public static class VideoExtensions
{
    public static IServiceCollection AddVideo(this IServiceCollection services)
    {
        services.AddOptions<VideoOptions>().BindConfiguration(VideoOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VideoOptions>, VideoOptionsValidator>();

        // The long poll holds a request open for up to 30 s: each request sets its own time limit instead.
        services.AddHttpClient(nameof(JanusVideoRoom), client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<IVideoRoom>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<VideoOptions>>().Value.Janus.Url)
            ? new DisabledVideoRoom()
            : ActivatorUtilities.CreateInstance<JanusVideoRoom>(sp));
        return services;
    }
}
