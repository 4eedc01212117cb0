using System.Text.Json.Nodes;
using Command.Grains.Cases;
using Command.Grains.Users;
using Command.Grains.Warnings;
using Command.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Command.Web.Hosting;

/// <summary>
/// The OpenAPI document (/openapi/v1.json), the contract outside systems (a 12345 gateway, a tracker gateway) code
/// against, and the API reference page over it (/scalar). Both are for signed-in users and bearer-token clients.
/// Every coded value the API takes or gives (categories, channels, urgency, statuses, actions, roles…) is listed in the
/// document with its Chinese name, taken from the same tables the code uses.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/{documentName}.json";

    public const string ReferencePath = "/scalar";

    private const string BearerScheme = "Bearer";

    public static IServiceCollection AddCommandOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            // The API and the tracker protocol; not the operations pages (the Orleans dashboard) nor the pages people read.
            o.ShouldInclude = d => d.RelativePath is { } path && (path.StartsWith("api/", StringComparison.Ordinal) || path == "osmand");
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "综治中心指挥调度平台 API";
                document.Info.Description = Vocabulary.Describe();
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "POST /api/auth/token 换取的令牌（Authorization: Bearer …）；浏览器使用登录后的 Cookie。",
                };
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer(Vocabulary.ListValues);
            o.AddOperationTransformer(CommonAnswersAsync);
            o.AddOperationTransformer(Vocabulary.ListParameterValues);
            o.AddOperationTransformer(OsmAndParameters);
        });

    /// <summary>The document and the reference page, for signed-in users (cookie or bearer token) only.</summary>
    public static WebApplication MapCommandOpenApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath).RequireAuthorization();
        app.MapScalarApiReference(ReferencePath, o => o
                .WithTitle("综治中心指挥调度平台 API")
                .WithOpenApiRoutePattern(DocumentPath)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .WithLocalization(new ScalarLocalizationOptions { Locale = "zh-CN" })
                .AddPreferredSecuritySchemes(BearerScheme))
            .RequireAuthorization();
        return app;
    }

    /// <summary>
    /// Answers every route can give besides its own: 401 to a caller not signed in (or whose session ended), and 503 from
    /// /api and /osmand until the region tree is loaded at start.
    /// </summary>
    private static async Task CommonAnswersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var signedIn = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        operation.Responses ??= [];
        if (signedIn)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, "未登录或登录已失效", cancellationToken);
        }

        // A path or query value of the wrong type, or a path value too long or with a control character (BadRequests), is 400.
        if (context.Description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path || p.Source == BindingSource.Query)
            || (context.Description.RelativePath ?? string.Empty).Contains('{', StringComparison.Ordinal))
        {
            await AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, "参数格式不正确", cancellationToken);
        }

        // A body is read only as JSON (or its documented form type), and only up to the route's limit.
        if (operation.RequestBody is not null)
        {
            await AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, "请求体格式不正确", cancellationToken);
            await AddProblemAsync(operation, context, StatusCodes.Status413PayloadTooLarge, "请求体过大", cancellationToken);
            await AddProblemAsync(operation, context, StatusCodes.Status415UnsupportedMediaType, "不支持的内容类型", cancellationToken);
        }

        await AddProblemAsync(operation, context, StatusCodes.Status503ServiceUnavailable, "系统正在启动（区划尚未加载），请稍后重试", cancellationToken);
    }

    private static async Task AddProblemAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description, CancellationToken cancellationToken)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
        };
    }

    /// <summary>
    /// /osmand reads its fields by hand from the query (GET or POST) or a form (POST): the query parameters are those of
    /// <see cref="OsmAndReport"/>, and a GET has no body.
    /// </summary>
    private static async Task OsmAndParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!string.Equals(context.Description.RelativePath, "osmand", StringComparison.Ordinal))
        {
            return;
        }

        // The body is described here, not with Accepts on the route: Accepts also makes routing match on the content type,
        // and trackers send a POST with the fields in the query and no body at all.
        if (HttpMethods.IsGet(context.Description.HttpMethod ?? string.Empty))
        {
            operation.RequestBody = null;
        }
        else
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(OsmAndReport), null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = false,
                Description = "OsmAnd fields as a form, or the Traccar Client's JSON ({\"device_id\", \"location\": {…}}); or none, with the fields in the query.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/x-www-form-urlencoded"] = new() { Schema = schema },
                    ["multipart/form-data"] = new() { Schema = schema },
                    ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } },
                },
            };
        }

        operation.Parameters ??= [];
        foreach (var property in typeof(OsmAndReport).GetProperties())
        {
            var name = property.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonPropertyNameAttribute), false)
                .OfType<System.Text.Json.Serialization.JsonPropertyNameAttribute>().FirstOrDefault()?.Name ?? property.Name.ToLowerInvariant();
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Query,
                Required = name == "id",
                Description = property.GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), false)
                    .OfType<System.ComponentModel.DescriptionAttribute>().FirstOrDefault()?.Description,
                Schema = new OpenApiSchema { Type = property.PropertyType == typeof(string) ? JsonSchemaType.String : JsonSchemaType.Number },
            });
        }
    }

    /// <summary>The coded values of the API, each with the Chinese users read, as one table the document is written from.</summary>
    private static class Vocabulary
    {
        private static readonly (string Name, string Title, IReadOnlyList<(string Wire, string Chinese)> Values)[] Lists =
        [
            ("category", "事件类别 (category)", [.. CaseCategories.All.Select(c => (c.Code, c.Name))]),
            ("channel", "来源渠道 (channel)", Values<CaseChannel>(c => c.Wire(), c => c.ToChinese())),
            ("urgency", "紧急程度 (urgency)", Values<Urgency>(u => u.Wire(), u => u.ToChinese())),
            ("status", "案件状态 (status)", Values<CaseStatus>(s => s.Wire(), s => s.ToChinese())),
            ("action", "案件操作 (POST /api/cases/{code}/{action})", Values<CaseAction>(a => a.Wire(), a => a.ToChinese(), a => a is not (CaseAction.Accept or CaseAction.Deadline))),
            ("complexity", "复杂程度 (complexity)", Values<Complexity>(c => c.ToString().ToLowerInvariant(), CategoryView.NameOf)),
            ("risk", "风险等级 (risk)", Values<RiskColor>(r => r.ToString().ToLowerInvariant(), r => r switch { RiskColor.Green => "绿色", RiskColor.Yellow => "黄色", _ => "红色" })),
            ("level", "督办级别 (level)", Values<Supervision>(s => s.ToString().ToLowerInvariant(), s => s.ToChinese(), s => s != Supervision.None)),
            ("result", "办结结果 (result)", Values<CaseResult>(r => r.Wire(), r => r.ToChinese())),
            ("satisfaction", "回访满意度 (satisfaction)", Values<Satisfaction>(s => s.Wire(), s => s.ToChinese())),
            ("role", "角色 (role)", Values<UserRole>(r => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(r.ToString()), r => r.ToChinese())),
            ("kind", "预警类型 (kind)", Values<WarningKind>(k => k.Wire(), k => k.ToChinese())),
            ("period", "统计周期 (period)", [("today", "今日"), ("week", "本周"), ("month", "本月"), ("year", "本年")]),
        ];

        /// <summary>Which string property of a request body takes which list; a required one allows no null.</summary>
        private static readonly Dictionary<(Type Type, string Property), (string List, bool Optional)> Bodies = new()
        {
            [(typeof(CaseInput), nameof(CaseInput.Channel))] = ("channel", false),
            [(typeof(CaseInput), nameof(CaseInput.Category))] = ("category", false),
            [(typeof(CaseInput), nameof(CaseInput.Urgency))] = ("urgency", false),
            [(typeof(CaseInput), nameof(CaseInput.Complexity))] = ("complexity", true),
            [(typeof(CaseInput), nameof(CaseInput.Risk))] = ("risk", true),
            [(typeof(CaseActionInput), nameof(CaseActionInput.Level))] = ("level", true),
            [(typeof(CaseActionInput), nameof(CaseActionInput.Result))] = ("result", true),
            [(typeof(CaseActionInput), nameof(CaseActionInput.Satisfaction))] = ("satisfaction", true),
            [(typeof(CategoryInput), nameof(CategoryInput.Complexity))] = ("complexity", true),
            [(typeof(DispatchRuleInput), nameof(DispatchRuleInput.Category))] = ("category", true),
            [(typeof(DispatchRuleInput), nameof(DispatchRuleInput.Urgency))] = ("urgency", true),
            [(typeof(UserInput), nameof(UserInput.Role))] = ("role", false),
        };

        /// <summary>Enumerations the API sends by their snake_case names (JsonStringEnumConverter), and the list naming them.</summary>
        private static readonly Dictionary<Type, string> Enums = new()
        {
            [typeof(CaseChannel)] = "channel",
            [typeof(Urgency)] = "urgency",
            [typeof(CaseStatus)] = "status",
            [typeof(Complexity)] = "complexity",
            [typeof(RiskColor)] = "risk",
            [typeof(CaseResult)] = "result",
            [typeof(Satisfaction)] = "satisfaction",
            [typeof(UserRole)] = "role",
        };

        /// <summary>Query and path parameters that take a list, by route and name.</summary>
        private static readonly Dictionary<(string Route, string Parameter), string> Parameters = new()
        {
            [("api/cases/{code}/{action}", "action")] = "action",
            [("api/cases", "status")] = "status",
            [("api/warnings", "kind")] = "kind",
            [("api/users", "role")] = "role",
            [("api/regions/{code}/stats", "period")] = "period",
        };

        public static string Describe() =>
            "综治中心指挥调度平台的 HTTP 接口。除 POST /api/auth/token 与 /osmand 外均需登录（Bearer 令牌或浏览器 Cookie）；"
            + "错误以中文 RFC 7807 problem details 返回。\n\n## 代码表\n\n"
            + string.Join("\n\n", Lists.Select(l => $"**{l.Title}**：{string.Join("，", l.Values.Select(v => $"`{v.Wire}` {v.Chinese}"))}"));

        public static Task ListValues(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
        {
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (context.JsonPropertyInfo is { DeclaringType: { } owner } property
                && Bodies.TryGetValue((owner, property.Name[..1].ToUpperInvariant() + property.Name[1..]), out var body))
            {
                Apply(schema, body.List, body.Optional);
            }
            else if (Enums.TryGetValue(type, out var list))
            {
                Apply(schema, list, optional: type != context.JsonTypeInfo.Type);
            }

            return Task.CompletedTask;
        }

        public static Task ListParameterValues(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var route = (context.Description.RelativePath ?? string.Empty).TrimEnd('/');
            foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
            {
                if (parameter.Name is { } name && Parameters.TryGetValue((route, name), out var list) && parameter.Schema is OpenApiSchema schema)
                {
                    Apply(schema, list, optional: parameter.In == ParameterLocation.Query);
                    parameter.Description = Title(list);
                }
            }

            return Task.CompletedTask;
        }

        private static void Apply(OpenApiSchema schema, string list, bool optional)
        {
            var values = Lists.Single(l => l.Name == list).Values;
            schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v.Wire)!)];
            schema.Type ??= JsonSchemaType.String;
            if (optional && schema.Type is { } t && t.HasFlag(JsonSchemaType.Null))
            {
                schema.Enum.Add(null!);
            }

            schema.Description = $"{Title(list)}：{string.Join("，", values.Select(v => $"{v.Wire} {v.Chinese}"))}";
            schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            var names = new JsonObject();
            foreach (var (wire, chinese) in values)
            {
                names[wire] = chinese;
            }

            schema.Extensions["x-enum-descriptions"] = new JsonNodeExtension(names);
        }

        private static string Title(string list) => Lists.Single(l => l.Name == list).Title;

        private static (string, string)[] Values<T>(Func<T, string> wire, Func<T, string> chinese, Func<T, bool>? allowed = null)
            where T : struct, Enum =>
            [.. Enum.GetValues<T>().Where(v => allowed?.Invoke(v) ?? true).Select(v => (wire(v), chinese(v)))];
    }
}
