"""baocao core: corpus loading and cleaning, dates, segmentation, entities,
the annotation store and export. UI-free: this package never imports textual."""
