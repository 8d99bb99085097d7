"""torchvision.datasets.utils' public helpers (download, verify, extract), re-exported."""
from ember.vision.datasets._download import (calculate_md5, check_md5, check_integrity, download_url,  # noqa: F401
                                             download_from_mirrors, extract_archive,
                                             download_and_extract_archive, verify_str_arg, iterable_to_str,
                                             list_dir, list_files, download_file_from_google_drive)
