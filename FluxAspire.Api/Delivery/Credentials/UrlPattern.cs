using System.Text;
using System.Text.RegularExpressions;

namespace FluxAspire.Api.Delivery.Credentials;

/// <summary>
/// A credential's url_pattern, a glob over the whole URL: <c>**</c> matches anything, <c>*</c> anything but '/',
/// <c>?</c> one character other than '/'. Matching ignores the case of nothing: URLs are compared as written.
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

        _regex = new Regex(regex.Append(@"\z").ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
    }

    public string Pattern { get; }

    public bool Matches(Uri url) => _regex.IsMatch(url.OriginalString) || _regex.IsMatch(url.AbsoluteUri);
}
