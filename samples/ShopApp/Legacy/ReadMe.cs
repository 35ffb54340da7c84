namespace ShopApp.Legacy;

/// <summary>
/// Endpoints carried over from the old shop are being moved here. Their .editorconfig section
/// (samples/ShopApp/.editorconfig, <c>[Legacy/*.cs]</c>) sets an option to a value that does not
/// parse, which AP9001 reports on this file.
/// </summary>
internal static class LegacyNotes
{
    public const string Status = "migrating";
}
