using System.Text;
using System.Text.RegularExpressions;

namespace FluxAspire.Api.Delivery.Credentials;

/// <summary>
/// A credential's url_pattern, a glob over the whole URL: <c>**</c> matches anything, <c>*</c> anything but '/',
/// <c>?</c> one character other than '/'. Matching ignores the case of nothing: URLs are compared as written.
/// Matched by the non-backtracking engine: a glob such as <c>**a**a**a…b</c> costs linear time, never a timeout (500).
/// </summary>
public sealed class UrlPattern
{
    private readonly Regex _regex;

    public UrlPattern(string pattern)
    {
        Pattern = pattern;
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i++;
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        _regex = new Regex(regex.Append(@"\z").ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking);
    }

    public string Pattern { get; }

    /// <summary>The longest url_pattern accepted (a URL longer than this is not one a client names).</summary>
    public const int MaxLength = 2048;

    /// <summary>Null when <paramref name="pattern"/> can be a glob over URLs; else why not. A URL never holds whitespace or
    /// control characters, so a pattern with one can match nothing and is a mistake (or an injection attempt).</summary>
    public static string? Problem(string pattern) =>
        pattern.Length == 0 ? "is required and must be a non-empty glob string (* ? **)"
        : pattern.Length > MaxLength ? $"must be at most {MaxLength} characters"
        : pattern.Any(c => c <= ' ' || char.IsControl(c) || char.IsWhiteSpace(c)) ? "must not contain whitespace or control characters (a URL has none)"
        : null;

    public bool Matches(Uri url) => _regex.IsMatch(url.OriginalString) || _regex.IsMatch(url.AbsoluteUri);
}
