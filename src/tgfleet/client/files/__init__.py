"""File transfers of the client: uploads in parts and downloads in chunks, several in flight on the media
connections of ``client/dcs.py``; what the media methods (``client/methods/media.py``, ``downloads.py``) use.

- ``sources.py``: what may be uploaded (a path, bytes, a binary file object) opened as a sized stream;
- ``progress.py``: ``Progress``, Pyrogram's ``progress(current, total, *progress_args)`` callbacks;
- ``uploader.py``: ``Uploader``, a file in parts (``upload.saveFilePart`` / ``saveBigFilePart``, MD5 for small
  files) to an ``InputFile``;
- ``downloader.py``: ``Downloader``, a file's chunks in order (``upload.getFile``), refreshing an expired file
  reference through a callback;
- ``targets.py``: what a Message, a media object or a file id names for downloading (location, DC, size, name).

Each takes narrow inputs (a call function, the location, the callback), never the client. Imports ``tl``,
``types`` (file ids), ``handlers`` (``StopTransmission``) and ``errors``.
"""
