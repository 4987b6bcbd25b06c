using FluxAspire.ComfySim.Files;

namespace FluxAspire.Tests.ComfySim.Files;

public class SaveImagePathTests
{
    [Theory]
    [InlineData("", ".")]
    [InlineData("a//b/./c/", "a/b/c")]
    [InlineData("a/../b", "b")]
    [InlineData("../a", "../a")]
    [InlineData("/../a", "/a")]
    [InlineData("a/../..", "..")]
    public void NormPath_matches_Pythons_posixpath(string path, string expected) =>
        Assert.Equal(expected, SaveImagePath.NormPath(path));

    [Fact]
    public void Placeholders_are_zero_padded_local_time_and_size()
    {
        var now = new DateTime(2026, 3, 4, 5, 6, 7);
        Assert.Equal("2026-03-04 05:06:07 1024x768 %batch_num%",
            SaveImagePath.ExpandPlaceholders("%year%-%month%-%day% %hour%:%minute%:%second% %width%x%height% %batch_num%", 1024, 768, now));
    }
}
