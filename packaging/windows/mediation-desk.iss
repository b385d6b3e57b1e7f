; Inno Setup 6 script: a Windows installer for the one-folder app that
; packaging/build.py leaves in build\package\dist\mediation-desk (see packaging/README.md).
;   iscc packaging\windows\mediation-desk.iss
; Not built or run on our Linux CI: written for Windows, checked there by hand.

#define AppName "调解工作台"
#define AppNameEn "Mediation Desk"
#define AppVersion "0.1.0"
#define AppExe "mediation-desk.exe"
#define BuildDir "..\..\build\package"
; The user's data folder (platformdirs.user_data_dir("MediationDesk", "MediationDesk")):
; %LOCALAPPDATA%\MediationDesk\MediationDesk. Kept on uninstall unless asked.
#define DataDir "{localappdata}\MediationDesk\MediationDesk"

[Setup]
AppId={{6F0B8C62-3E1D-4C55-9B0A-6D2C1E7A9F41}
AppName={#AppName}
AppVerName={#AppName} {#AppVersion}
AppVersion={#AppVersion}
AppPublisher={#AppNameEn}
DefaultDirName={autopf}\MediationDesk
DefaultGroupName={#AppName}
; Per-user install by default (no administrator needed); the dialog offers all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#BuildDir}\installer
OutputBaseFilename=MediationDesk-{#AppVersion}-setup
SetupIconFile={#BuildDir}\icons\mediation-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
; ChineseSimplified.isl is an unofficial translation: copy it into Inno Setup's
; Languages folder first (packaging/README.md); English stays as a fallback.
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chs.DesktopIcon=在桌面创建快捷方式
en.DesktopIcon=Create a desktop shortcut
chs.RemoveData=同时删除我的调解数据（案件、文书、备份，位于 %1）。删除后无法恢复。
en.RemoveData=Also delete my mediation data (cases, documents, backups in %1). This cannot be undone.
chs.RemoveDataTitle=卸载调解工作台
en.RemoveDataTitle=Uninstall Mediation Desk
chs.KeepData=默认保留数据，以后重新安装可继续使用。
en.KeepData=By default the data is kept for a later reinstall.

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: unchecked

[Files]
Source: "{#BuildDir}\dist\mediation-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
var
  RemoveDataCheck: TNewCheckBox;
  RemoveDataWanted: Boolean;

{ The uninstaller asks, with the box unticked: only a mediator who ticks it loses the
  data folder. A silent uninstall keeps it. }
function InitializeUninstall(): Boolean;
var
  Form: TSetupForm;
  Text: TNewStaticText;
  OkButton, CancelButton: TNewButton;
begin
  Result := True;
  RemoveDataWanted := False;
  if UninstallSilent or not DirExists(ExpandConstant('{#DataDir}')) then
    Exit;
  Form := CreateCustomForm();
  try
    Form.ClientWidth := ScaleX(460);
    Form.ClientHeight := ScaleY(150);
    Form.Caption := CustomMessage('RemoveDataTitle');
    Text := TNewStaticText.Create(Form);
    Text.Parent := Form;
    Text.Left := ScaleX(16);
    Text.Top := ScaleY(16);
    Text.Width := Form.ClientWidth - ScaleX(32);
    Text.WordWrap := True;
    Text.Caption := CustomMessage('KeepData');
    RemoveDataCheck := TNewCheckBox.Create(Form);
    RemoveDataCheck.Parent := Form;
    RemoveDataCheck.Left := ScaleX(16);
    RemoveDataCheck.Top := ScaleY(48);
    RemoveDataCheck.Width := Form.ClientWidth - ScaleX(32);
    RemoveDataCheck.Height := ScaleY(40);
    RemoveDataCheck.Caption := FmtMessage(CustomMessage('RemoveData'),
                                          [ExpandConstant('{#DataDir}')]);
    RemoveDataCheck.Checked := False;
    OkButton := TNewButton.Create(Form);
    OkButton.Parent := Form;
    OkButton.Caption := SetupMessage(msgButtonOK);
    OkButton.Left := Form.ClientWidth - ScaleX(176);
    OkButton.Top := Form.ClientHeight - ScaleY(40);
    OkButton.Width := ScaleX(75);
    OkButton.Height := ScaleY(25);
    OkButton.ModalResult := mrOk;
    OkButton.Default := True;
    CancelButton := TNewButton.Create(Form);
    CancelButton.Parent := Form;
    CancelButton.Caption := SetupMessage(msgButtonCancel);
    CancelButton.Left := Form.ClientWidth - ScaleX(91);
    CancelButton.Top := Form.ClientHeight - ScaleY(40);
    CancelButton.Width := ScaleX(75);
    CancelButton.Height := ScaleY(25);
    CancelButton.ModalResult := mrCancel;
    CancelButton.Cancel := True;
    if Form.ShowModal() <> mrOk then
      Result := False  { cancelled: nothing is uninstalled }
    else
      RemoveDataWanted := RemoveDataCheck.Checked;
  finally
    Form.Free();
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and RemoveDataWanted then
    DelTree(ExpandConstant('{#DataDir}'), True, True, True);
end;
