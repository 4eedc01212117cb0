using System.ComponentModel;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Command.Web.Api;

// Shapes of bodies that handlers read or write by hand, declared here so the OpenAPI document states them.

/// <summary>POST /api/cases/{code}/attachments: a multipart form with one file part.</summary>
public sealed record AttachmentUpload([property: Description("JPEG, PNG, WebP or PDF (judged by content), at most 10 MB")] IFormFile File);

/// <summary>What POST /api/me/session answers: who the phone is signed in as, and until when (renewed with each use).</summary>
public sealed record PhoneSession(string UserName, string DisplayName, long? WorkerId, DateTimeOffset ExpiresAt);

/// <summary>
/// One report of the OsmAnd tracker protocol, as query parameters (GET or POST) or as a form (POST). Numbers are decimal
/// text; the device id is the credential.
/// </summary>
public sealed record OsmAndReport(
    [property: Description("the worker's device id (as GET /api/workers/{id} shows it to the admin)")] string Id,
    [property: JsonPropertyName("deviceid"), Description("the device id, when id is not sent")] string? DeviceId,
    [property: Description("latitude, WGS 84 degrees")] double? Lat,
    [property: Description("longitude, WGS 84 degrees")] double? Lon,
    [property: Description("when the fix was taken: Unix seconds, Unix milliseconds or ISO 8601 (default: now)")] string? Timestamp,
    [property: Description("speed")] double? Speed,
    [property: Description("bearing, degrees")] double? Bearing,
    [property: Description("altitude, metres")] double? Altitude,
    [property: Description("accuracy, metres")] double? Accuracy,
    [property: Description("battery level, per cent")] double? Batt,
    [property: Description("sos raises the worker's 一键报警 (answered with the warning)")] string? Alarm);
