using MailStack.Proxy.Attachments;

namespace MailStack.Proxy.UnitTests.Attachments;

/// <summary>The filesystem mode reads below its root only: traversal, absolute paths elsewhere and links out are refused.</summary>
public sealed class FilesystemAttachmentSourceTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("mailstack-fs-").FullName;
    private readonly string _root;

    public FilesystemAttachmentSourceTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_outside, "root")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "docs"));
        File.WriteAllText(Path.Combine(_root, "docs", "inside.txt"), "inside");
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "secret");
        File.CreateSymbolicLink(Path.Combine(_root, "docs", "out-link.txt"), Path.Combine(_outside, "secret.txt"));
        File.CreateSymbolicLink(Path.Combine(_root, "in-link.txt"), Path.Combine(_root, "docs", "inside.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "up"), _outside);
    }

    public void Dispose() => Directory.Delete(_outside, recursive: true);

    [Theory]
    [InlineData("docs/inside.txt")]
    [InlineData("docs/../docs/inside.txt")]
    [InlineData("in-link.txt")]
    public void A_file_below_the_root_is_read(string relative)
    {
        Assert.Equal(Path.Combine(_root, "docs", "inside.txt"), FilesystemAttachmentSource.Resolve(_root, relative, out var refusal));
        Assert.Null(refusal);
        Assert.NotNull(FilesystemAttachmentSource.Resolve(_root, Path.Combine(_root, relative), out _));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("docs/../../secret.txt")]
    [InlineData("docs/out-link.txt")]
    [InlineData("up/secret.txt")]
    [InlineData("/etc/passwd")]
    public void A_path_that_leaves_the_root_is_refused(string path)
    {
        Assert.Null(FilesystemAttachmentSource.Resolve(_root, path, out var refusal));
        Assert.Equal($"path '{path}' is outside the attachment root", refusal);
    }

    [Fact]
    public void The_root_itself_and_its_sibling_with_a_common_prefix_are_refused()
    {
        Directory.CreateDirectory(_root + "-sibling");
        File.WriteAllText(Path.Combine(_root + "-sibling", "x.txt"), "x");

        Assert.Null(FilesystemAttachmentSource.Resolve(_root, _root + "-sibling/x.txt", out var refusal));
        Assert.Equal($"path '{_root}-sibling/x.txt' is outside the attachment root", refusal);
    }

    [Fact]
    public void Without_a_root_the_mode_is_off_and_a_missing_file_is_named()
    {
        Assert.Null(FilesystemAttachmentSource.Resolve(null, "/etc/passwd", out var off));
        Assert.Equal("filesystem attachments are disabled (no Proxy:Attachments:FilesystemRoot)", off);
        Assert.Null(FilesystemAttachmentSource.Resolve(_root, "docs/none.txt", out var missing));
        Assert.Equal("file 'docs/none.txt' not found", missing);
    }
}
