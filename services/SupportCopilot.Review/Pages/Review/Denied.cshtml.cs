using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace SupportCopilot.Review.Pages.Review;

/// <summary>Where a signed-in person lands on a page their role does not open.</summary>
internal sealed class DeniedModel(IOptions<ReviewSettings> settings, TimeProvider time) : ReviewPageModel(settings, time)
{
    public string? Role => User.FindFirst(ClaimTypes.Role)?.Value;

    public void OnGet()
    {
    }
}
