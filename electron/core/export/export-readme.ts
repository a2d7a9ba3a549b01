/** README.txt at the top of an export: what it is and how to read it without Afterword. */
export function exportReadme(info: {
  version: string;
  exportedAt: string;
  messages: number;
  attachments: number;
}): string {
  return `Afterword export
================

This is everything readable from an Afterword vault: ${info.messages} message(s) with their text,
formatting, recipients and plan, ${info.attachments} attachment(s), the recipients and the warning
plans. It was written by Afterword ${info.version} on ${info.exportedAt} (UTC), as a tar archive
encrypted in the age format (https://age-encryption.org), either with a passphrase or for an age
key (an "age1..." recipient). Nothing here needs Afterword to be read.

How to read it
--------------

1. Decrypt it with the age tool (packaged as "age" on Debian, Ubuntu, Fedora, Homebrew, Scoop;
   rage, a compatible tool, works too):

     age -d -o afterword-export.tar FILE.age                  (asks for the passphrase)
     age -d -i key.txt -o afterword-export.tar FILE.age       (with the age key it was made for)

2. Unpack the tar:

     tar xf afterword-export.tar

   (On Windows, tar.exe is built in since Windows 10; 7-Zip opens it too.)

The unpacked files are NOT encrypted: anyone who can read them can read your messages. Keep them
on an encrypted disk and delete them when you are done.

Layout
------

  afterword-export/
    README.txt          this file
    messages.json       every message: id, title, text, html, status, plan, delivery delay,
                        recipients (name, type, contact), attachments (name, type, size and
                        their path in this archive), folder, created and updated (UTC)
    plans.json          the warning plans: interval, the five levels (wait, channels), default
    recipients.json     everyone messages can go to: name, type (email or webhook), contact
    messages/
      001 <title>/      one folder per message, oldest first
        message.txt     the text
        message.html    the formatted text, when the message has formatting
        attachments/    its files, byte for byte as they were attached

Names are made safe for any file system (no slashes or reserved characters, at most 80
characters); the original names are in messages.json.
`;
}
