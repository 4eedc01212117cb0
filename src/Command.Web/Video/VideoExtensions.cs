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
        services.AddSingleton<IVideoRoom, DisabledVideoRoom>();
        return services;
    }
}
