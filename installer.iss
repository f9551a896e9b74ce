; Inno Setup 6 script for Swan Desktop (Windows). Build the PyInstaller bundle
; first (packaging/build_bundle.sh or the same spec on Windows), then:
;   iscc /DAppVersion=0.1.0 /DBundleDir=dist\swan-desktop installer.iss
; AppVersion must be the version in pyproject.toml (packaging/version.py prints it).

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z installer.iss
#endif
#ifndef BundleDir
  #define BundleDir "dist\swan-desktop"
#endif
#define AppName "Swan Desktop"
#define AppExe "swan-desktop.exe"

[Setup]
; Fixed for the life of the product: upgrades and the uninstaller find the install by it.
AppId={{6F1B8C52-3A7E-4D2B-9C61-2E5F0A8B7D14}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Swan
DefaultDirName={autopf}\Swan Desktop
DefaultGroupName=Swan Desktop
DisableProgramGroupPage=yes
; Per-user install without administrator rights by default; the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=dist
OutputBaseFilename=swan-desktop-{#AppVersion}-setup
SetupIconFile=resources\icons\swan-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Close a running Swan Desktop before replacing its files, and start it again after.
CloseApplications=yes
RestartApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "startatlogin"; Description: "Start Swan Desktop when I log in"; GroupDescription: "Start-up:"; Flags: unchecked

[Files]
Source: "{#BundleDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#BundleDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The same Run value the app's own "Start at login" setting writes (settings/autostart.py).
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "Swan Desktop"; ValueData: """{app}\{#AppExe}"" --minimized"; Flags: uninsdeletevalue; Tasks: startatlogin

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
Filename: "{cmd}"; Parameters: "/C taskkill /IM {#AppExe} /F"; Flags: runhidden; RunOnceId: "StopSwanDesktop"

[Code]
// The schedule database, outbox and logs (%LOCALAPPDATA%\swan-desktop) and the
// settings stay unless the user asks to remove them.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if CurUninstallStep = usPostUninstall then
    if MsgBox('Also remove your Swan Desktop data (offline changes, local studio, settings)?',
              mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
    begin
      DelTree(ExpandConstant('{localappdata}\swan-desktop'), True, True, True);
      RegDeleteKeyIncludingSubkeys(HKEY_CURRENT_USER, 'Software\Swan\Swan Desktop');
    end;
end;
